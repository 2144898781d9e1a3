// The worst-case cost a request can reach before it is sent: its prompt (estimated from the
// characters of its messages, at two characters per token, which over-counts English text) plus
// every completion token it allows (max_completion_tokens, max_tokens, or a configured default).

import type { PricePerMTok } from '../../config/types.ts';
import type { ChatRequest } from '../../protocol/chat.ts';

function allowedCompletionTokens(request: ChatRequest, fallback: number): number {
  for (const key of ['max_completion_tokens', 'max_tokens'] as const) {
    const value = request[key];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) return Math.ceil(value);
  }
  return fallback;
}

export function promptTokenEstimate(request: ChatRequest): number {
  let chars = 0;
  for (const message of request.messages) chars += JSON.stringify(message.content ?? '').length;
  if (request.tools) chars += JSON.stringify(request.tools).length;
  return Math.ceil(chars / 2);
}

export function worstCaseUsd(request: ChatRequest, price: PricePerMTok, defaultMaxTokens: number): number {
  return (promptTokenEstimate(request) * price.input + allowedCompletionTokens(request, defaultMaxTokens) * price.output) / 1_000_000;
}
