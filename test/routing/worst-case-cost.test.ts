// worstCaseCostUsd(): the upper estimate a spend limit reserves before a call is made, from the
// request body's length, max_tokens and every price that may serve the call. Each expected figure is
// worked out by hand in the table (not computed by the code under test).

import { describe, expect, it } from 'vitest';
import type { PricePerMTok } from '../../src/config/types.ts';
import { DEFAULT_WORST_CASE_COMPLETION_TOKENS, worstCaseCostUsd } from '../../src/routing/cost.ts';

const cheapOut: PricePerMTok = { input: 10, output: 1 };
const dearOut: PricePerMTok = { input: 2, output: 8 };

// [case, body characters, max_tokens, prices, expected USD]
const cases: Array<[string, number, number | undefined, PricePerMTok[], number]> = [
  ['a prompt of one token per 3 characters, completion at max_tokens', 300, 100, [dearOut], (100 * 2 + 100 * 8) / 1e6],
  ['a partial token is rounded up', 301, 100, [dearOut], (101 * 2 + 100 * 8) / 1e6],
  ['one character is one token', 1, 0, [dearOut], (1 * 2) / 1e6],
  ['no max_tokens: the default completion length', 0, undefined, [dearOut], (4096 * 8) / 1e6],
  ['max_tokens 0 is a real bound, not a missing one', 3, 0, [dearOut], (1 * 2) / 1e6],
  ['the dearest price wins on a long prompt', 3000, 10, [dearOut, cheapOut], (1000 * 10 + 10 * 1) / 1e6],
  ['the dearest price wins on a long completion', 3000, 10_000, [cheapOut, dearOut], (1000 * 2 + 10_000 * 8) / 1e6],
  ['the order of the prices does not matter', 3000, 10_000, [dearOut, cheapOut], (1000 * 2 + 10_000 * 8) / 1e6],
  ['no price that may serve the call: nothing to reserve', 3000, 100, [], 0],
];

describe('worstCaseCostUsd', () => {
  it.each(cases)('%s', (_name, bodyChars, maxTokens, prices, expected) => {
    expect(worstCaseCostUsd(bodyChars, maxTokens, prices)).toBeCloseTo(expected, 12);
  });

  it('assumes 4096 completion tokens when the request sets no max_tokens', () => {
    expect(DEFAULT_WORST_CASE_COMPLETION_TOKENS).toBe(4096);
  });
});
