// parseUsage: what the gateway bills from an upstream's `usage`. Negative, fractional, absurd or
// non-numeric counts make the usage unusable (nothing is billed, no counter goes down); cached
// tokens are capped at prompt tokens.

import { describe, expect, it } from 'vitest';
import { MAX_PLAUSIBLE_TOKENS, parseUsage } from '../../src/protocol/chat.ts';

describe('parseUsage', () => {
  const cases: Array<[string, unknown, ReturnType<typeof parseUsage>]> = [
    ['plain', { prompt_tokens: 10, completion_tokens: 5 }, { promptTokens: 10, completionTokens: 5, cachedTokens: 0 }],
    ['cached', { prompt_tokens: 10, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 4 } }, { promptTokens: 10, completionTokens: 5, cachedTokens: 4 }],
    ['cached above prompt', { prompt_tokens: 10, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 40 } }, { promptTokens: 10, completionTokens: 5, cachedTokens: 10 }],
    ['negative', { prompt_tokens: -10, completion_tokens: 5 }, undefined],
    ['absurd', { prompt_tokens: 1e302, completion_tokens: 5 }, undefined],
    ['just above the bound', { prompt_tokens: MAX_PLAUSIBLE_TOKENS + 1, completion_tokens: 5 }, undefined],
    ['fractional', { prompt_tokens: 1.5, completion_tokens: 5 }, undefined],
    ['string', { prompt_tokens: '10', completion_tokens: 5 }, undefined],
    ['bad cached reads 0', { prompt_tokens: 10, completion_tokens: 5, prompt_tokens_details: { cached_tokens: -3 } }, { promptTokens: 10, completionTokens: 5, cachedTokens: 0 }],
    ['null', null, undefined],
    ['array', [1, 2], undefined],
  ];
  for (const [name, raw, expected] of cases) {
    it(name, () => expect(parseUsage(raw)).toStrictEqual(expected));
  }
});
