// Model ladders: the config form and its errors, the cuts in force when the threshold moves (the
// top cut moves, the lower cuts keep their spacing), the rung a score lands on, fallback order
// along the ladder, and decide() on a three-rung ladder. strong/weak is the two-rung case.

import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.ts';
import type { RouterConfig } from '../../src/config/types.ts';
import type { ChatRequest } from '../../src/protocol/chat.ts';
import { attemptOrder, attemptsFrom, decide } from '../../src/routing/decide.ts';
import { ladderFallbacks, ladderModels, ladderRungs, rungForScore } from '../../src/routing/ladder.ts';
import type { ThresholdSource } from '../../src/routing/threshold-source.ts';
import { createScorerPool } from '../../src/scoring/pool.ts';
import type { Scorer } from '../../src/scoring/scorer.ts';

const models = {
  frontier: { provider: 'p', id: 'frontier-1' },
  mid: { provider: 'p', id: 'mid-1' },
  small: { provider: 'p', id: 'small-1' },
};
const LADDER = [{ model: 'frontier', minScore: 0.8 }, { model: 'mid', minScore: 0.4 }, { model: 'small' }];

function parse(routers: Record<string, unknown>) {
  return parseConfig({ providers: { p: { baseUrl: 'http://127.0.0.1:1/v1' } }, models, routers }, 'test');
}

const config = parse({
  default: { ladder: LADDER, scorer: 'random' },
  resilient: { ladder: LADDER, scorer: 'random', retryOnOtherModel: true },
  pair: { strong: 'frontier', weak: 'small', scorer: 'random', threshold: 0.6 },
});
const ladder = config.routers['default']!;
const request: ChatRequest = { model: 'triage', messages: [{ role: 'user', content: 'hi' }] };
const fixed = (score: number): Scorer => ({ name: 'fixed', score: async () => ({ score }), close: async () => {} });

function run(router: RouterConfig, score: number, thresholds?: ThresholdSource) {
  return decide({ request, routerName: 'r', router, scorers: createScorerPool(async () => fixed(score)), ...(thresholds ? { thresholds } : {}) });
}

describe('ladder config', () => {
  it('fills strong, weak and threshold from the ladder (top rung, bottom rung, top cut)', () => {
    expect(ladder).toMatchObject({ strong: 'frontier', weak: 'small', threshold: 0.8 });
    expect(ladderModels(ladder)).toEqual(['frontier', 'mid', 'small']);
    expect(ladderModels(config.routers['pair']!)).toEqual(['frontier', 'small']);
  });

  it.each([
    [{ ladder: [{ model: 'frontier', minScore: 0.5 }] }, /at least 2|>=2|too small/i],
    [{ ladder: [{ model: 'frontier' }, { model: 'small' }] }, /every rung but the last needs a minScore/],
    [{ ladder: [{ model: 'frontier', minScore: 0.5 }, { model: 'small', minScore: 0.1 }] }, /last rung takes every score/],
    [{ ladder: [{ model: 'frontier', minScore: 0.4 }, { model: 'mid', minScore: 0.4 }, { model: 'small' }] }, /strictly down/],
    [{ ladder: [{ model: 'frontier', minScore: 0.8 }, { model: 'frontier', minScore: 0.4 }, { model: 'small' }] }, /on the ladder twice/],
    [{ ladder: LADDER, strong: 'frontier', weak: 'small' }, /not both/],
    [{ ladder: LADDER, threshold: 0.3 }, /first minScore is its threshold/],
    [{ strong: 'frontier' }, /give strong and weak, or a ladder/],
    [{ ladder: [{ model: 'frontier', minScore: 0.8 }, { model: 'nope' }] }, /routers\.bad\.ladder\.1\.model.*unknown model alias "nope"/],
    [{ strong: 'frontier', weak: 'small', signals: { longContext: { minPromptTokens: 10, model: 'ghost' } } }, /signals\.longContext\.model.*unknown model alias "ghost"/],
  ])('rejects %j', (router, message) => {
    expect(() => parse({ default: { strong: 'frontier', weak: 'small' }, bad: router })).toThrow(ConfigError);
    expect(() => parse({ default: { strong: 'frontier', weak: 'small' }, bad: router })).toThrow(message);
  });
});

describe('cuts in force', () => {
  it.each([
    // [threshold in force, expected cuts of the three rungs]
    [0.8, [0.8, 0.4]], // as configured
    [0.9, [0.9, 0.5]], // a higher top cut moves the lower one by as much
    [0.5, [0.5, 0.1]],
    [0.3, [0.3, 0]], // clamped at 0
    [1, [1, 0.6]],
  ])('threshold %s -> cuts %j', (threshold, cuts) => {
    const rungs = ladderRungs(ladder, threshold);
    expect(rungs.slice(0, 2).map((r) => Number(r.cut.toFixed(9)))).toEqual(cuts);
    expect(rungs[2]?.cut).toBe(Number.NEGATIVE_INFINITY);
  });

  it.each([
    [0.95, 0], [0.8, 0], [0.79, 1], [0.4, 1], [0.39, 2], [0, 2],
  ])('score %s lands on rung %s', (score, rung) => {
    expect(rungForScore(ladderRungs(ladder, 0.8), score)).toBe(rung);
  });
});

describe('fallbacks along the ladder', () => {
  it.each([
    [0, ['mid', 'small']],
    [1, ['frontier', 'small']], // the next stronger rung first
    [2, ['mid', 'frontier']],
  ])('from rung %s: %j', (rung, expected) => {
    expect(ladderFallbacks(['frontier', 'mid', 'small'], rung)).toEqual(expected);
  });

  it('tries the ladder outwards with retryOnOtherModel, capped at maxAttempts; the two-rung case is "the other model"', () => {
    const resilient = config.routers['resilient']!;
    expect(attemptsFrom(resilient, 'mid')).toEqual(['mid', 'frontier', 'small']);
    expect(attemptsFrom({ ...resilient, retry: { ...resilient.retry, maxAttempts: 2 } }, 'small')).toEqual(['small', 'mid']);
    expect(attemptsFrom(ladder, 'mid')).toEqual(['mid']);
    expect(attemptsFrom({ ...resilient, fallbacks: ['small'] }, 'mid')).toEqual(['mid', 'small']);
    // A model off the ladder (a signal's) falls back to the ladder, strongest first.
    expect(attemptsFrom(resilient, 'elsewhere')).toEqual(['elsewhere', 'frontier', 'mid']);
    const pair = { ...config.routers['pair']!, retryOnOtherModel: true };
    expect(attemptOrder(pair, 'strong')).toEqual(['frontier', 'small']);
    expect(attemptOrder(pair, 'weak')).toEqual(['small', 'frontier']);
  });
});

describe('decide on a three-rung ladder', () => {
  it.each([
    [0.9, 'frontier', 0, 'strong', 'score>=0.8 rung:0/3'],
    [0.8, 'frontier', 0, 'strong', 'score>=0.8 rung:0/3'],
    [0.5, 'mid', 1, 'weak', 'score>=0.4 rung:1/3'],
    [0.1, 'small', 2, 'weak', 'score<0.4 rung:2/3'],
  ])('score %s -> %s', async (score, model, rung, tier, reason) => {
    expect(await run(ladder, score)).toMatchObject({ modelAlias: model, rung, rungs: 3, tier, reason, forced: false, attempts: [model] });
  });

  it('keeps the two-rung wording and tiers for strong/weak routers', async () => {
    expect(await run(config.routers['pair']!, 0.6)).toMatchObject({ modelAlias: 'frontier', rung: 0, rungs: 2, reason: 'score>=threshold' });
    expect(await run(config.routers['pair']!, 0.59)).toMatchObject({ modelAlias: 'small', rung: 1, reason: 'score<threshold' });
  });

  it('moves every cut with a threshold source (a share target holds the top rung, the rest keep their spacing)', async () => {
    const moved: ThresholdSource = { current: () => ({ threshold: 0.6, calibrationId: 'cal_1', source: 'share-controller' }) };
    expect(await run(ladder, 0.65, moved)).toMatchObject({ modelAlias: 'frontier', threshold: 0.6, calibrationId: 'cal_1' });
    expect(await run(ladder, 0.3, moved)).toMatchObject({ modelAlias: 'mid', reason: 'score>=0.2 rung:1/3' });
    expect(await run(ladder, 0.19, moved)).toMatchObject({ modelAlias: 'small', reason: 'score<0.2 rung:2/3' });
  });

  it('sends mode and task-type rules to the top or bottom rung, and a failed scorer to the top', async () => {
    const decision = await decide({ request, routerName: 'r', router: ladder, scorers: createScorerPool(async () => fixed(0.5)), mode: 'debug' });
    expect(decision).toMatchObject({ modelAlias: 'frontier', rung: 0, reason: 'mode:debug', forced: true });
    const summarize = await decide({ request, routerName: 'r', router: ladder, scorers: createScorerPool(async () => fixed(0.9)), mode: 'summarize' });
    expect(summarize).toMatchObject({ modelAlias: 'small', rung: 2 });
    const broken = await decide({ request, routerName: 'r', router: ladder, scorers: createScorerPool(async () => Promise.reject(new Error('gone'))) });
    expect(broken).toMatchObject({ modelAlias: 'frontier', fallbackUsed: true, forced: true });
  });
});
