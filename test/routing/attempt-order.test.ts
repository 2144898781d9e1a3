// The retry plan every Decision carries: the models to try in order (the chosen tier's model, then
// the router's fallbacks list, or the other tier's model with retryOnOtherModel, capped at
// retry.maxAttempts) and the bounds on trying. Table-driven: the table is the contract. Also: the
// scorer's input vector travels in the Decision (for replay), read from the real learned scorer.

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { RouterConfig } from '../../src/config/types.ts';
import { attemptOrder, decide, retryPolicy } from '../../src/routing/decide.ts';
import { createLearnedScorer } from '../../src/scoring/learned.ts';
import { createScorerPool } from '../../src/scoring/pool.ts';
import { createRandomScorer } from '../../src/scoring/random.ts';

const routerOf = (fields: Record<string, unknown>): RouterConfig =>
  parseConfig(
    {
      providers: { p: { baseUrl: 'http://127.0.0.1:1/v1' } },
      models: { big: { provider: 'p', id: 'big-1' }, small: { provider: 'p', id: 'small-1' }, mid: { provider: 'p', id: 'mid-1' }, spare: { provider: 'p', id: 'spare-1' } },
      routers: { default: { strong: 'big', weak: 'small', scorer: 'random', ...fields } },
    },
    'attempt-order test',
  ).routers['default']!;

describe('attemptOrder', () => {
  it.each([
    ['strong, no retry', {}, 'strong', ['big']],
    ['weak, no retry', {}, 'weak', ['small']],
    ['strong, retry on the other model', { retryOnOtherModel: true }, 'strong', ['big', 'small']],
    ['weak, retry on the other model', { retryOnOtherModel: true }, 'weak', ['small', 'big']],
    ['strong, a fallbacks list', { fallbacks: ['mid', 'spare'] }, 'strong', ['big', 'mid', 'spare']],
    ['weak, a fallbacks list', { fallbacks: ['mid'] }, 'weak', ['small', 'mid']],
    ['a fallbacks list wins over retryOnOtherModel', { fallbacks: ['mid'], retryOnOtherModel: true }, 'strong', ['big', 'mid']],
    ['capped at maxAttempts', { fallbacks: ['mid', 'spare', 'small'], retry: { maxAttempts: 2 } }, 'strong', ['big', 'mid']],
    ['maxAttempts 1: no retry at all', { retryOnOtherModel: true, retry: { maxAttempts: 1 } }, 'weak', ['small']],
    ['the default cap is 3', { fallbacks: ['mid', 'spare', 'small'] }, 'strong', ['big', 'mid', 'spare']],
  ] as const)('%s', (_name, fields, tier, attempts) => {
    expect(attemptOrder(routerOf(fields), tier)).toEqual(attempts);
  });
});

describe('retryPolicy', () => {
  it.each([
    ['the defaults', {}, { maxAttempts: 3, deadlineMs: undefined, maxRetryAfterMs: 2000 }],
    ['configured bounds', { retry: { maxAttempts: 5, deadlineMs: 9000, maxRetryAfterMs: 0 } }, { maxAttempts: 5, deadlineMs: 9000, maxRetryAfterMs: 0 }],
  ])('%s', (_name, fields, policy) => {
    expect(retryPolicy(routerOf(fields))).toStrictEqual(policy);
  });
});

describe('decide carries the retry plan', () => {
  const request = { model: 'triage', messages: [{ role: 'user' as const, content: 'Summarise this paragraph.' }] };

  it.each([
    ['a forced strong mode', 'plan', 'strong', ['big', 'mid']],
    ['a forced weak mode', 'summarize', 'weak', ['small', 'mid']],
  ] as const)('%s', async (_name, mode, tier, attempts) => {
    const router = routerOf({ fallbacks: ['mid'], retry: { maxAttempts: 2, deadlineMs: 5000, maxRetryAfterMs: 100 } });
    const decision = await decide({ request, routerName: 'default', router, scorers: createScorerPool(async () => createRandomScorer({ seed: 1 })), mode });
    expect({ tier: decision.tier, modelAlias: decision.modelAlias, attempts: decision.attempts, retry: decision.retry }).toStrictEqual({
      tier,
      modelAlias: attempts[0],
      attempts,
      retry: { maxAttempts: 2, deadlineMs: 5000, maxRetryAfterMs: 100 },
    });
  });

  it('logs the learned scorer\'s input vector with the decision (replay re-scores from it)', async () => {
    const scorer = await createLearnedScorer();
    try {
      const router = routerOf({ scorer: 'learned', scoreTimeoutMs: 60_000 });
      const decision = await decide({ request, routerName: 'default', router, scorers: createScorerPool(async () => scorer) });
      const direct = await scorer.score(request);
      expect(decision.features?.layout).toBe(scorer.layoutId);
      expect(Array.from(decision.features!.vector)).toEqual(Array.from(direct.features!.vector));
      // A scorer without a vector adds none.
      const plain = await decide({ request, routerName: 'default', router: routerOf({}), scorers: createScorerPool(async () => createRandomScorer({ seed: 1 })) });
      expect('features' in plain).toBe(false);
    } finally {
      await scorer.close();
    }
  });
});
