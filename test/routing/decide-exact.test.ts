// decide() field by field on each path a scored request can take: the scorer's own name against a
// hot-swapped one, the task-type table's model and session, exploration's flip and propensity on
// two rungs and on a ladder (and none below the second rung), propensity 1 only when exploration is
// on and drawn, the session rules' tier, reason, forced flag and propensity, and attempts from a
// model off the ladder. Expected values are written out by hand. The scorer is a small test
// implementation of the Scorer interface returning a fixed result.

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { ChatRequest } from '../../src/protocol/chat.ts';
import { attemptsFrom, decide, type DecideInput } from '../../src/routing/decide.ts';
import type { SessionView } from '../../src/routing/sessions.ts';
import { createScorerPool } from '../../src/scoring/pool.ts';
import type { ScoreResult } from '../../src/scoring/scorer.ts';

const ladder = [{ model: 'frontier', minScore: 0.8 }, { model: 'mid', minScore: 0.4 }, { model: 'small' }];
const config = parseConfig(
  {
    providers: { p: { baseUrl: 'http://127.0.0.1:1/v1' } },
    models: { frontier: { provider: 'p', id: 'f' }, mid: { provider: 'p', id: 'm' }, small: { provider: 'p', id: 's' } },
    routers: {
      two: { strong: 'frontier', weak: 'small', scorer: 'random', threshold: 0.5, taskTypes: { coding: 'strong', 'chit-chat': 'weak', math: 'score' } },
      exploring: { strong: 'frontier', weak: 'small', scorer: 'random', threshold: 0.5, explore: { rate: 0.2, band: 0.1 } },
      ladder: { ladder, scorer: 'random', explore: { rate: 0.3, band: 0.5 } },
      held: { ladder, scorer: 'random', explore: { rate: 0.3, band: 0.5 }, sessions: { escalateOnly: { holdTurns: 2 } } },
      retrying: { ladder, scorer: 'random', retryOnOtherModel: true, retry: { maxAttempts: 4 } },
    },
    defaultRouter: 'two',
  },
  'test',
);

const request: ChatRequest = { model: 'triage', messages: [{ role: 'user', content: 'Is 91 prime?' }] };

function run(routerName: string, result: ScoreResult, extra: Partial<DecideInput> = {}) {
  const router = config.routers[routerName]!;
  const scorer = { name: 'fixed', score: async () => result, close: async () => {} };
  return decide({ request, routerName, router, scorers: createScorerPool(async () => scorer), ...extra });
}

describe('decide: the scorer named in the decision', () => {
  it("is the result's own scorer when it names one (a hot swap), else the pool's", async () => {
    expect((await run('two', { score: 0.7, scorer: 'learned:default@6' })).scorer).toBe('learned:default@6');
    expect((await run('two', { score: 0.7 })).scorer).toBe('fixed');
  });
});

describe('decide: the task-type table', () => {
  it.each([
    ['coding', 'strong', 'frontier', 0],
    ['chit-chat', 'weak', 'small', 1],
  ] as const)('%s goes %s, to %s, forced, and sets the session rung', async (taskType, tier, model, rung) => {
    const decision = await run('two', { score: 0.45, taskType }, { inSession: true });
    expect(decision).toMatchObject({ tier, modelAlias: model, rung, reason: `task-type:${taskType}`, forced: true, score: 0.45, taskType });
    expect(decision.session).toEqual({ rung, model, holdLeft: 0 });
  });

  it('leaves the session alone outside a session, and a "score" entry to the threshold', async () => {
    expect((await run('two', { score: 0.45, taskType: 'coding' })).session).toBeNull();
    const scored = await run('two', { score: 0.45, taskType: 'math' });
    expect(scored).toMatchObject({ tier: 'weak', modelAlias: 'small', reason: 'score<threshold', forced: false, taskType: 'math' });
  });
});

describe('decide: exploration on two rungs', () => {
  it.each([
    // [score, draw, tier, model, explored, propensity, reason]
    [0.55, 0.1, 'weak', 'small', true, 0.2, 'explore:score>=threshold, flipped to weak'],
    [0.45, 0.1, 'strong', 'frontier', true, 0.2, 'explore:score<threshold, flipped to strong'],
    [0.55, 0.9, 'strong', 'frontier', false, 0.8, 'score>=threshold'],
    [0.45, 0.9, 'weak', 'small', false, 0.8, 'score<threshold'],
    [0.9, 0.1, 'strong', 'frontier', false, 1, 'score>=threshold'],
  ] as const)('score %s, draw %s: %s on %s', async (score, explorationDraw, tier, model, explored, propensity, reason) => {
    const decision = await run('exploring', { score }, { explorationDraw });
    expect(decision).toMatchObject({ tier, modelAlias: model, explored, propensity, reason, forced: false });
  });

  it('explores nothing and logs no propensity without a draw, or without explore', async () => {
    expect(await run('exploring', { score: 0.55 })).toMatchObject({ tier: 'strong', explored: false, propensity: null });
    expect(await run('two', { score: 0.55 }, { explorationDraw: 0.1 })).toMatchObject({ tier: 'strong', explored: false, propensity: null });
  });

  it('gives a forced decision propensity 1 only when exploration is on and drawn', async () => {
    const plan = { mode: 'plan' };
    expect((await run('exploring', { score: 0.55 }, { ...plan, explorationDraw: 0.1 })).propensity).toBe(1);
    expect((await run('exploring', { score: 0.55 }, plan)).propensity).toBeNull();
    expect((await run('two', { score: 0.55 }, { ...plan, explorationDraw: 0.1 })).propensity).toBeNull();
  });
});

describe('decide: exploration on a ladder', () => {
  it('swaps the top rung and the one below it, and says to which rung', async () => {
    expect(await run('ladder', { score: 0.85 }, { explorationDraw: 0.1 })).toMatchObject({
      tier: 'weak', modelAlias: 'mid', rung: 1, explored: true, propensity: 0.3, reason: 'explore:score>=0.8 rung:0/3, flipped to rung 1',
    });
    expect(await run('ladder', { score: 0.5 }, { explorationDraw: 0.1 })).toMatchObject({
      tier: 'strong', modelAlias: 'frontier', rung: 0, explored: true, propensity: 0.3, reason: 'explore:score>=0.4 rung:1/3, flipped to rung 0',
    });
  });

  it('never explores below the second rung, even within the band: the served model is certain', async () => {
    // 0.35 is within 0.5 of the threshold 0.8, but lands on the bottom rung.
    expect(await run('ladder', { score: 0.35 }, { explorationDraw: 0.1 })).toMatchObject({
      tier: 'weak', modelAlias: 'small', rung: 2, explored: false, propensity: 1, reason: 'score<0.4 rung:2/3',
    });
  });
});

describe('decide: session rules', () => {
  const onTop: SessionView = { rung: 0, model: 'frontier', holdLeft: 2, idleMs: 1000 };

  it('a held turn stays on the session rung: strong, forced, certain, with the rule in the reason', async () => {
    const decision = await run('held', { score: 0.5 }, { inSession: true, session: onTop, explorationDraw: 0.9 });
    expect(decision).toMatchObject({
      tier: 'strong', modelAlias: 'frontier', rung: 0, forced: true, explored: false, propensity: 1,
      reason: 'score>=0.4 rung:1/3; session:escalate-only held rung 0 (1 turns left)',
    });
    expect(decision.session).toEqual({ rung: 0, model: 'frontier', holdLeft: 1 });
  });

  it('a turn the rule leaves alone keeps its score, tier and drawn propensity', async () => {
    const decision = await run('held', { score: 0.5 }, { inSession: true, explorationDraw: 0.9 });
    expect(decision).toMatchObject({ tier: 'weak', modelAlias: 'mid', rung: 1, forced: false, explored: false, propensity: 0.7, reason: 'score>=0.4 rung:1/3' });
    expect(decision.session).toEqual({ rung: 1, model: 'mid', holdLeft: 2 });
  });

  it('a mode turn on the top rung sets the session there', async () => {
    const decision = await run('held', { score: 0.1 }, { inSession: true, mode: 'plan', session: { rung: 2, model: 'small', holdLeft: 0, idleMs: 0 } });
    expect(decision).toMatchObject({ tier: 'strong', modelAlias: 'frontier', signal: 'mode', forced: true });
    expect(decision.session).toEqual({ rung: 0, model: 'frontier', holdLeft: 2 });
  });
});

describe('attemptsFrom', () => {
  it('falls back from a model off the ladder to the whole ladder, strongest first', () => {
    expect(attemptsFrom(config.routers['retrying']!, 'outsider')).toEqual(['outsider', 'frontier', 'mid', 'small']);
  });

  it('falls back from a rung outwards, the stronger neighbour first', () => {
    expect(attemptsFrom(config.routers['retrying']!, 'mid')).toEqual(['mid', 'frontier', 'small']);
  });
});
