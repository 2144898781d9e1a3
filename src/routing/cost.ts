// Cost in USD of one call from its token usage and the model's configured prices per million tokens.
// Cached prompt tokens are billed at cachedInput when the model has that price, else at input.

import type { PricePerMTok } from '../config/types.ts';
import type { Usage } from '../protocol/chat.ts';

export function costUsd(usage: Usage, price: PricePerMTok): number {
  const cached = Math.min(usage.cachedTokens, usage.promptTokens);
  const uncached = usage.promptTokens - cached;
  const cachedPrice = price.cachedInput ?? price.input;
  return (uncached * price.input + cached * cachedPrice + usage.completionTokens * price.output) / 1_000_000;
}
