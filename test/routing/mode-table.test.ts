// The routing contract as tables, through decide(): every built-in mode's route, every kind of
// router override, the task-type table (only when no mode was sent), and the strong fallback for
// every way a score can be unusable. The scorers are small test implementations of the Scorer
// interface that count their calls (the real ones are tested in test/scoring).

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { Mode, ModeRoute, RouterConfig } from '../../src/config/types.ts';
import type { ChatRequest } from '../../src/protocol/chat.ts';
import { decide } from '../../src/routing/decide.ts';
import { DEFAULT_MODE_ROUTES } from '../../src/routing/modes.ts';
import { createScorerPool } from '../../src/scoring/pool.ts';
import type { Scorer, ScoreResult } from '../../src/scoring/scorer.ts';

const config = parseConfig(
  {
    providers: { p: { baseUrl: 'http://127.0.0.1:1/v1' } },
    models: { big: { provider: 'p', id: 'big-1' }, small: { provider: 'p', id: 'small-1' } },
    routers: { default: { strong: 'big', weak: 'small', scorer: 'random', threshold: 0.5 } },
  },
  'test',
);
const baseRouter = config.routers['default']!;
const router = (patch: Partial<RouterConfig> = {}): RouterConfig => ({ ...baseRouter, ...patch });
const request: ChatRequest = { model: 'triage', messages: [{ role: 'user', content: 'Is 91 prime?' }] };

/** A scorer that always answers `result` and counts how often it was asked. */
function counting(result: ScoreResult): Scorer & { calls: number } {
  const scorer = {
    name: 'fixed',
    calls: 0,
    score: async () => {
      scorer.calls++;
      return result;
    },
    close: async () => {},
  };
  return scorer;
}

function run(r: RouterConfig, scorer: Scorer, mode: string | null = null) {
  return decide({ request, routerName: 'r', router: r, scorers: createScorerPool(async () => scorer), mode });
}

// The README's promise, written out by hand (not read from the code under test).
const BUILT_IN: Array<[Mode, ModeRoute]> = [
  ['plan', 'strong'],
  ['architect', 'strong'],
  ['debug', 'strong'],
  ['review', 'strong'],
  ['summarize', 'weak'],
  ['extract', 'weak'],
  ['classify', 'weak'],
  ['code', 'score'],
  ['ask', 'score'],
  ['chat', 'score'],
];

describe('the built-in mode table', () => {
  it('is exactly the documented table', () => {
    expect(DEFAULT_MODE_ROUTES).toEqual(Object.fromEntries(BUILT_IN));
  });

  // A score of 0.9 (above the 0.5 threshold) shows that a weak mode really overrides the scorer,
  // and a score of 0.1 that a strong mode does.
  it.each(BUILT_IN)('mode %s routes %s', async (mode, route) => {
    for (const score of [0.1, 0.9]) {
      const scorer = counting({ score });
      const decision = await run(router(), scorer, mode);
      if (route === 'score') {
        const tier = score >= 0.5 ? 'strong' : 'weak';
        expect(decision).toMatchObject({ tier, mode, score, reason: score >= 0.5 ? 'score>=threshold' : 'score<threshold', fallbackUsed: false });
        expect(scorer.calls).toBe(1);
      } else {
        expect(decision).toMatchObject({
          tier: route,
          modelAlias: route === 'strong' ? 'big' : 'small',
          mode,
          score: null,
          scorer: null,
          reason: `mode:${mode}`,
          fallbackUsed: false,
        });
        expect(scorer.calls).toBe(0);
      }
    }
  });

  it('records an unknown mode without routing on it', async () => {
    const scorer = counting({ score: 0.9 });
    expect(await run(router(), scorer, 'orchestrate')).toMatchObject({ mode: 'orchestrate', tier: 'strong', reason: 'score>=threshold' });
    expect(scorer.calls).toBe(1);
  });
});

describe('router overrides of the mode table', () => {
  // [mode, override, score the scorer would give, expected tier, expected reason]
  const cases: Array<[Mode, ModeRoute, number, 'strong' | 'weak', string]> = [
    ['plan', 'weak', 0.9, 'weak', 'mode:plan'], // strong -> weak
    ['review', 'score', 0.1, 'weak', 'score<threshold'], // strong -> scored
    ['summarize', 'strong', 0.1, 'strong', 'mode:summarize'], // weak -> strong
    ['extract', 'score', 0.9, 'strong', 'score>=threshold'], // weak -> scored
    ['code', 'strong', 0.1, 'strong', 'mode:code'], // scored -> strong
    ['chat', 'weak', 0.9, 'weak', 'mode:chat'], // scored -> weak
  ];
  it.each(cases)('mode %s overridden to %s (score %s) routes %s', async (mode, override, score, tier, reason) => {
    const decision = await run(router({ modes: { [mode]: override } }), counting({ score }), mode);
    expect(decision).toMatchObject({ tier, reason, mode });
  });

  it('leaves the modes it does not override at their built-in route', async () => {
    const overridden = router({ modes: { plan: 'weak' } });
    expect(await run(overridden, counting({ score: 0.1 }), 'debug')).toMatchObject({ tier: 'strong', reason: 'mode:debug' });
    expect(await run(overridden, counting({ score: 0.9 }), 'classify')).toMatchObject({ tier: 'weak', reason: 'mode:classify' });
  });
});

describe('the task-type table', () => {
  const tuned = router({ taskTypes: { 'chit-chat': 'weak', math: 'strong', code: 'score' } });

  it.each([
    ['chit-chat', 0.9, 'weak', 'task-type:chit-chat'],
    ['math', 0.1, 'strong', 'task-type:math'],
    ['code', 0.1, 'weak', 'score<threshold'],
    ['writing', 0.9, 'strong', 'score>=threshold'], // not in the table
  ] as const)('routes inferred type %s (score %s) %s when no mode was sent', async (taskType, score, tier, reason) => {
    expect(await run(tuned, counting({ score, taskType }))).toMatchObject({ tier, reason, taskType, score });
  });

  it('is not applied when the client sent a mode, even a scored one', async () => {
    // 'ask' is scored: the threshold decides, not the task-type table; the type is still recorded.
    expect(await run(tuned, counting({ score: 0.9, taskType: 'chit-chat' }), 'ask')).toMatchObject({
      tier: 'strong',
      reason: 'score>=threshold',
      taskType: 'chit-chat',
      mode: 'ask',
    });
    expect(await run(tuned, counting({ score: 0.1, taskType: 'math' }), 'chat')).toMatchObject({ tier: 'weak', reason: 'score<threshold', taskType: 'math' });
    // An unknown mode is a mode signal too: the table is not applied.
    expect(await run(tuned, counting({ score: 0.1, taskType: 'math' }), 'orchestrate')).toMatchObject({ tier: 'weak', reason: 'score<threshold' });
  });
});

describe('the threshold', () => {
  it.each([
    [0.3, 0.3, 'strong'],
    [0.3, 0.29999, 'weak'],
    [0, 0, 'strong'],
    [1, 0.99999, 'weak'],
    [1, 1, 'strong'],
  ] as const)('threshold %s, score %s -> %s', async (threshold, score, tier) => {
    const decision = await run(router({ threshold }), counting({ score }));
    expect(decision).toMatchObject({ tier, threshold, score, fallbackUsed: false, modelAlias: tier === 'strong' ? 'big' : 'small' });
  });
});

describe('an unusable score falls back to the strong model', () => {
  // Threshold 0.99 would send every valid score here to the weak model.
  it.each([
    ['negative', -0.01],
    ['very negative', -5],
    ['above one', 1.0001],
    ['NaN', Number.NaN],
    ['infinite', Number.POSITIVE_INFINITY],
    ['minus infinite', Number.NEGATIVE_INFINITY],
  ])('%s score', async (_label, score) => {
    const decision = await run(router({ threshold: 0.99 }), counting({ score }));
    expect(decision).toMatchObject({ tier: 'strong', modelAlias: 'big', fallbackUsed: true, score: null, scorer: 'random' });
    expect(decision.reason).toBe(`scorer-error: scorer fixed returned ${score}, outside [0, 1]`);
  });

  it('accepts the bounds 0 and 1 themselves', async () => {
    expect(await run(router({ threshold: 0.99 }), counting({ score: 0 }))).toMatchObject({ tier: 'weak', fallbackUsed: false });
    expect(await run(router({ threshold: 0.99 }), counting({ score: 1 }))).toMatchObject({ tier: 'strong', fallbackUsed: false });
  });
});

describe('scoring without a task-type table', () => {
  it('scores an inferred task type normally when the router has no taskTypes', async () => {
    expect(await run(router(), counting({ score: 0.2, taskType: 'math' }))).toMatchObject({ tier: 'weak', reason: 'score<threshold', taskType: 'math', fallbackUsed: false });
  });
});

describe('the scoring time budget', () => {
  it('does not abort a scorer that answered in time, even after the budget has passed', async () => {
    let seen: AbortSignal | undefined;
    const quick: Scorer = {
      name: 'quick',
      score: async (_request, signal) => {
        seen = signal;
        return { score: 0.7 };
      },
      close: async () => {},
    };
    expect(await run(router({ scoreTimeoutMs: 10 }), quick)).toMatchObject({ tier: 'strong', fallbackUsed: false });
    await new Promise((resolve) => setTimeout(resolve, 60)); // past the 10 ms budget
    expect(seen?.aborted).toBe(false);
  });
});

describe('decision time', () => {
  it('is measured inside the call: between 0 and the time the caller waited', async () => {
    for (const mode of ['plan', null]) {
      const before = performance.now();
      const decision = await run(router(), counting({ score: 0.2 }), mode);
      const waited = performance.now() - before;
      expect(decision.decisionMs).toBeGreaterThanOrEqual(0);
      expect(decision.decisionMs).toBeLessThanOrEqual(waited);
    }
  });
});
