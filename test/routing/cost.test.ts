// costUsd(): what a call costs from its usage and the model's prices per million tokens. Each
// expected figure is worked out by hand in the table (not computed by the code under test).

import { describe, expect, it } from 'vitest';
import type { PricePerMTok } from '../../src/config/types.ts';
import { costUsd } from '../../src/routing/cost.ts';

const withCached: PricePerMTok = { input: 2, output: 8, cachedInput: 0.5 };
const noCached: PricePerMTok = { input: 2, output: 8 };
const free: PricePerMTok = { input: 0, output: 0 };
const freeCache: PricePerMTok = { input: 3, output: 15, cachedInput: 0 };

// [case, prompt, completion, cached, price, expected USD]
const cases: Array<[string, number, number, number, PricePerMTok, number]> = [
  ['no tokens', 0, 0, 0, withCached, 0],
  ['prompt only', 1_000_000, 0, 0, withCached, 2],
  ['completion only', 0, 1_000_000, 0, withCached, 8],
  ['prompt and completion', 1000, 500, 0, withCached, (1000 * 2 + 500 * 8) / 1e6],
  ['cached tokens at the cachedInput price', 1000, 500, 200, withCached, (800 * 2 + 200 * 0.5 + 500 * 8) / 1e6],
  ['every prompt token cached', 1000, 0, 1000, withCached, (1000 * 0.5) / 1e6],
  ['cached tokens at the input price when there is no cachedInput', 1000, 500, 200, noCached, (1000 * 2 + 500 * 8) / 1e6],
  ['all cached, no cachedInput price: billed as input', 400, 0, 400, noCached, (400 * 2) / 1e6],
  ['cachedInput of 0 is a real price (free cache hits), not a missing one', 1000, 100, 600, freeCache, (400 * 3 + 600 * 0 + 100 * 15) / 1e6],
  ['cached capped at prompt tokens', 100, 10, 250, withCached, (100 * 0.5 + 10 * 8) / 1e6],
  ['cached capped at prompt tokens, no cachedInput', 100, 10, 250, noCached, (100 * 2 + 10 * 8) / 1e6],
  ['cached tokens with no prompt tokens cost nothing', 0, 10, 50, withCached, (10 * 8) / 1e6],
  ['a free model', 123_456, 7890, 1000, free, 0],
  ['large counts', 3_000_000, 2_000_000, 1_000_000, withCached, 2_000_000 * 2e-6 + 1_000_000 * 0.5e-6 + 2_000_000 * 8e-6],
];

describe('costUsd', () => {
  it.each(cases)('%s', (_name, promptTokens, completionTokens, cachedTokens, price, expected) => {
    expect(costUsd({ promptTokens, completionTokens, cachedTokens }, price)).toBeCloseTo(expected, 12);
  });

  it('never goes negative and never charges more than the uncached price', () => {
    for (const cachedTokens of [0, 1, 50, 99, 100, 101, 10_000]) {
      const cost = costUsd({ promptTokens: 100, completionTokens: 0, cachedTokens }, withCached);
      expect(cost).toBeGreaterThanOrEqual(100 * 0.5e-6 - 1e-15);
      expect(cost).toBeLessThanOrEqual(100 * 2e-6 + 1e-15);
    }
  });
});
