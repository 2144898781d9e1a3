// POST /v1/chat/completions: decide, try the decision's models in order, and answer: JSON passed
// through as the upstream sent it, or a stream relayed chunk by chunk. The Exchange owns the log row.

import type { Context } from 'hono';
import type { GatewayContext } from '../context.ts';
import type { Exchange } from '../exchange.ts';
import { withExchange, type Answer } from '../with-exchange.ts';
import { applyCallerPolicy } from '../caller-policy.ts';
import { requestCaller } from '../middleware/auth.ts';
import { decisionHeaders, prepare } from '../prepare.ts';
import { answerPlain } from '../plain-answer.ts';
import { sampleForShadow } from '../shadow-sampling.ts';
import { relayStream } from '../stream-relay.ts';
import { callUpstream } from '../upstream/call.ts';

function bearer(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match?.[1]?.trim();
}

export function handleChat(ctx: GatewayContext, c: Context): Promise<Response> {
  return withExchange(ctx, c, 'chat', (exchange) => answerChat(ctx, c, exchange));
}

async function answerChat(ctx: GatewayContext, c: Context, exchange: Exchange): Promise<Answer> {
  const bodyText = await c.req.text();
  const prepared = await prepare(ctx, exchange, bodyText, { tags: c.req.header('x-triage-tags'), mode: c.req.header('x-triage-mode'), session: c.req.header('x-triage-session') });
  await applyCallerPolicy(ctx, exchange, prepared, requestCaller(c), bodyText.length);
  sampleForShadow(ctx, exchange, prepared);
  const upstreamStartedMs = performance.now();
  const outcome = await callUpstream(ctx, prepared.attempts, prepared.request, bearer(c.req.header('authorization')), c.req.raw.signal, prepared.retry);
  exchange.served(outcome, prepared.router);
  const { result } = outcome;
  const warnings = [...prepared.warnings, ...('warnings' in result ? result.warnings : [])];
  const headers = (passed: Record<string, string>) => ({ ...passed, ...decisionHeaders(exchange, warnings) });
  if (result.kind === 'stream') {
    // From here the relay owns the Exchange and ends it with the last chunk or a cancellation.
    return { response: relayStream(ctx, exchange, prepared.request, outcome, result, decisionHeaders(exchange, warnings)), streaming: true };
  }
  const usage = () => (result.kind === 'json' ? result.usage : undefined);
  return { response: answerPlain(ctx, exchange, outcome, result, { upstreamStartedMs, usage, headers }), streaming: false };
}
