// Where a routed chat request meets shadow judging: one random draw after the decision; when it
// is drawn, the Exchange captures the served answer, and when the Exchange ends with a 200 the
// conversation and answer are offered to the learning wing's runner, which works off the request
// path. Requests with tools, failed requests and answers served by a model outside the router's
// two tiers are never judged.

import type { ChatRequest } from '../protocol/chat.ts';
import type { Tier } from '../config/types.ts';
import { AnswerCapture } from './answer-capture.ts';
import type { GatewayContext } from './context.ts';
import type { Exchange } from './exchange.ts';
import type { Prepared } from './prepare.ts';

function clientMaxTokens(request: ChatRequest): number | null {
  for (const key of ['max_completion_tokens', 'max_tokens'] as const) {
    const value = request[key];
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  }
  return null;
}

export function sampleForShadow(ctx: GatewayContext, exchange: Exchange, prepared: Prepared): void {
  const shadow = ctx.shadow;
  const { decision, router, request } = prepared;
  if (!shadow || !decision || !router || exchange.record.kind !== 'chat') return;
  if (Array.isArray(request.tools) && request.tools.length > 0) return;
  if (!shadow.sample(decision.router)) return;
  const capture = new AnswerCapture(shadow.maxAnswerChars(decision.router));
  exchange.capture = capture;
  exchange.onEnd((row) => {
    if (row.status !== 200) return;
    const servedTier: Tier | null = row.modelAlias === router.strong ? 'strong' : row.modelAlias === router.weak ? 'weak' : null;
    if (servedTier === null) return;
    const temperature = request['temperature'];
    shadow.offer({
      decisionId: row.id,
      routerName: decision.router,
      promptHash: row.promptHash,
      servedTier,
      conversation: request.messages,
      maxTokens: clientMaxTokens(request),
      temperature: typeof temperature === 'number' && Number.isFinite(temperature) ? temperature : null,
      answer: () => capture.text(),
    });
  });
}
