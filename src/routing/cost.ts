// Cost in USD of one call from its token usage and the model's configured prices per million tokens.
// Cached prompt tokens are billed at cachedInput when the model has that price, else at input;
// prompt tokens written to the cache (Anthropic) at cacheWrite when set, else at input.
// Also the worst case of a call before it is made, for spend limits that reserve ahead.

import type { PricePerMTok } from '../config/types.ts';
import type { Usage } from '../protocol/chat.ts';

export function costUsd(usage: Usage, price: PricePerMTok): number {
  const cached = Math.min(usage.cachedTokens, usage.promptTokens);
  const written = Math.min(usage.cacheWriteTokens ?? 0, usage.promptTokens - cached);
  const uncached = usage.promptTokens - cached - written;
  const cachedPrice = price.cachedInput ?? price.input;
  const writePrice = price.cacheWrite ?? price.input;
  return (uncached * price.input + cached * cachedPrice + written * writePrice + usage.completionTokens * price.output) / 1_000_000;
}

/** Completion tokens assumed for the worst case when the request sets no max_tokens. */
export const DEFAULT_WORST_CASE_COMPLETION_TOKENS = 4096;

/**
 * An upper estimate of a call's cost: the prompt at one token per 3 characters of the request body
 * (English runs near 4; dense scripts nearer 1-2 per token for the text itself, and the JSON
 * around it inflates the count), and the completion at max_tokens (or the default), at the dearest
 * of the prices that may serve it.
 */
export function worstCaseCostUsd(bodyChars: number, maxTokens: number | undefined, prices: readonly PricePerMTok[]): number {
  const prompt = Math.ceil(bodyChars / 3);
  const completion = maxTokens ?? DEFAULT_WORST_CASE_COMPLETION_TOKENS;
  let worst = 0;
  for (const price of prices) worst = Math.max(worst, (prompt * price.input + completion * price.output) / 1_000_000);
  return worst;
}
