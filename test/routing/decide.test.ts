// decide(): mode table first, then the scorer under its time budget, then task types, then the
// threshold; any scorer failure goes to the strong model with the reason. The scorers here are small
// test implementations of the Scorer interface (real ones are tested in test/scoring).

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { RouterConfig } from '../../src/config/types.ts';
import type { ChatRequest } from '../../src/protocol/chat.ts';
import { decide } from '../../src/routing/decide.ts';
import { DEFAULT_MODE_ROUTES } from '../../src/routing/modes.ts';
import { resolveTarget, UnknownModelError } from '../../src/routing/targets.ts';
import { createRandomScorer } from '../../src/scoring/random.ts';
import { createScorerPool } from '../../src/scoring/pool.ts';
import type { Scorer, ScoreResult } from '../../src/scoring/scorer.ts';

const config = parseConfig(
  {
    providers: { p: { baseUrl: 'http://127.0.0.1:1/v1' } },
    models: { big: { provider: 'p', id: 'big-1' }, small: { provider: 'p', id: 'small-1' } },
    routers: {
      default: { strong: 'big', weak: 'small', scorer: 'random', threshold: 0.5 },
      tuned: { strong: 'big', weak: 'small', scorer: 'learned', model: 'mine', threshold: 0.3, modes: { code: 'strong', plan: 'weak' }, taskTypes: { 'chit-chat': 'weak' } },
    },
  },
  'test',
);

const request: ChatRequest = { model: 'triage', messages: [{ role: 'user', content: 'Is 91 prime?' }] };

function fixed(result: ScoreResult | (() => Promise<ScoreResult>)): Scorer {
  return { name: 'fixed', score: async () => (typeof result === 'function' ? result() : result), close: async () => {} };
}

function run(router: RouterConfig, scorer: Scorer, mode: string | null = null) {
  return decide({ request, routerName: 'r', router, scorers: createScorerPool(async () => scorer), mode });
}

const router = (patch: Partial<RouterConfig> = {}): RouterConfig => ({ ...config.routers['default']!, ...patch });

describe('decide', () => {
  it('sends score >= threshold to the strong model and below to the weak one', async () => {
    expect(await run(router(), fixed({ score: 0.5 }))).toMatchObject({ tier: 'strong', modelAlias: 'big', reason: 'score>=threshold', score: 0.5 });
    expect(await run(router(), fixed({ score: 0.49 }))).toMatchObject({ tier: 'weak', modelAlias: 'small', reason: 'score<threshold' });
  });

  it('applies the mode table before scoring, with router overrides', async () => {
    let called = 0;
    const counting = fixed(async () => {
      called++;
      return { score: 0 };
    });
    expect(await run(router(), counting, 'debug')).toMatchObject({ tier: 'strong', reason: 'mode:debug', score: null });
    expect(await run(router(), counting, 'extract')).toMatchObject({ tier: 'weak', reason: 'mode:extract' });
    expect(called).toBe(0);
    const tuned = config.routers['tuned']!;
    expect(await run(tuned, counting, 'plan')).toMatchObject({ tier: 'weak', reason: 'mode:plan' });
    expect(await run(tuned, counting, 'code')).toMatchObject({ tier: 'strong', reason: 'mode:code' });
    // 'ask' is scored; an unknown mode is recorded but does not route.
    expect(await run(router(), counting, 'ask')).toMatchObject({ tier: 'weak', mode: 'ask', reason: 'score<threshold' });
    expect(await run(router(), counting, 'orchestrate')).toMatchObject({ mode: 'orchestrate', reason: 'score<threshold' });
    expect(called).toBe(2);
  });

  it('routes an inferred task type by the router table when the client sent no mode', async () => {
    const tuned = config.routers['tuned']!;
    expect(await run(tuned, fixed({ score: 0.9, taskType: 'chit-chat' }))).toMatchObject({ tier: 'weak', reason: 'task-type:chit-chat', taskType: 'chit-chat' });
    expect(await run(tuned, fixed({ score: 0.9, taskType: 'math' }))).toMatchObject({ tier: 'strong', taskType: 'math' });
  });

  it('falls back to the strong model when the scorer throws, times out, or returns nonsense', async () => {
    const thrown = await run(router({ threshold: 0.99 }), fixed(async () => Promise.reject(new Error('model file missing'))));
    expect(thrown).toMatchObject({ tier: 'strong', fallbackUsed: true, reason: 'scorer-error: model file missing' });
    // The slow scorer would answer only after 60 s; decide() must not wait for it, and must abort it.
    let slowSignal: AbortSignal | undefined;
    let slowAnswered = false;
    const slowScorer: Scorer = {
      name: 'slow',
      score: (_request, signal) => {
        slowSignal = signal;
        return new Promise((resolve) => {
          const timer = setTimeout(() => {
            slowAnswered = true;
            resolve({ score: 0 });
          }, 60_000);
          signal?.addEventListener('abort', () => clearTimeout(timer));
        });
      },
      close: async () => {},
    };
    const slow = await run(router({ threshold: 0.99, scoreTimeoutMs: 20 }), slowScorer);
    expect(slow).toMatchObject({ tier: 'strong', fallbackUsed: true, reason: 'scorer-timeout' });
    expect(slowAnswered).toBe(false);
    expect(slowSignal?.aborted).toBe(true);
    expect(await run(router(), fixed({ score: Number.NaN }))).toMatchObject({ tier: 'strong', fallbackUsed: true });
    expect(await run(router(), fixed({ score: 1.5 }))).toMatchObject({ tier: 'strong', fallbackUsed: true });
    const failingPool = createScorerPool(async () => Promise.reject(new Error('cannot load')));
    const unloaded = await decide({ request, routerName: 'r', router: router(), scorers: failingPool });
    expect(unloaded).toMatchObject({ tier: 'strong', fallbackUsed: true, reason: 'scorer-error: cannot load' });
  });

  it('has the documented route for every mode in the built-in table', () => {
    expect(DEFAULT_MODE_ROUTES).toEqual({
      plan: 'strong', architect: 'strong', debug: 'strong', review: 'strong',
      code: 'score', ask: 'score', chat: 'score',
      summarize: 'weak', extract: 'weak', classify: 'weak',
    });
  });
});

describe('random scorer', () => {
  it('is uniform-ish and, when seeded, the same for the same prompt', async () => {
    const seeded = createRandomScorer({ seed: 1 });
    const a = await seeded.score(request);
    expect((await seeded.score(request)).score).toBe(a.score);
    const scores = await Promise.all(
      Array.from({ length: 2000 }, (_, i) => seeded.score({ model: 'x', messages: [{ role: 'user', content: `prompt ${i}` }] })),
    );
    const share = scores.filter((s) => s.score >= 0.5).length / scores.length;
    expect(share).toBeGreaterThan(0.45);
    expect(share).toBeLessThan(0.55);
    expect(scores.every((s) => s.score >= 0 && s.score < 1)).toBe(true);
    expect((await createRandomScorer({ seed: 2 }).score(request)).score).not.toBe(a.score);
  });
});

describe('resolveTarget', () => {
  it('resolves triage, triage/<router>, RouteLLM names, aliases and upstream ids', () => {
    expect(resolveTarget(config, 'triage')).toMatchObject({ kind: 'router', name: 'default' });
    expect(resolveTarget(config, 'triage/tuned')).toMatchObject({ kind: 'router', name: 'tuned' });
    const routeLlm = resolveTarget(config, 'router-random-0.11');
    expect(routeLlm).toMatchObject({ kind: 'router', name: 'router-random-0.11', router: { scorer: 'random', threshold: 0.11, strong: 'big' } });
    expect(resolveTarget(config, 'small')).toMatchObject({ kind: 'model', alias: 'small' });
    expect(resolveTarget(config, 'big-1')).toMatchObject({ kind: 'model', alias: 'big' });
    expect(() => resolveTarget(config, 'triage/nope')).toThrow(UnknownModelError);
    expect(() => resolveTarget(config, 'router-bert-0.5')).toThrow(/valid names: triage, triage\/default/);
  });
});

describe('scorer pool', () => {
  it('remembers a failed load for a while instead of reloading on every request', async () => {
    let loads = 0;
    let clock = 0;
    const pool = createScorerPool(
      async () => {
        loads++;
        throw new Error('corrupt model');
      },
      { retryFailedAfterMs: 1000, now: () => clock },
    );
    const spec = { scorer: 'learned' as const };
    await expect(pool.get(spec)).rejects.toThrow('corrupt model');
    clock = 500;
    await expect(pool.get(spec)).rejects.toThrow('corrupt model');
    expect(loads).toBe(1);
    clock = 1600;
    await expect(pool.get(spec)).rejects.toThrow('corrupt model');
    expect(loads).toBe(2);
  });

  it('shares one loaded scorer between requests', async () => {
    let loads = 0;
    const pool = createScorerPool(async () => {
      loads++;
      return createRandomScorer({ seed: 1 });
    });
    const [a, b] = await Promise.all([pool.get({ scorer: 'random', seed: 1 }), pool.get({ scorer: 'random', seed: 1 })]);
    expect(a).toBe(b);
    expect(loads).toBe(1);
    await pool.closeAll();
  });
});
