// POST /v1/chat/completions: decide, try the decision's models in order, and answer: JSON passed
// through as the upstream sent it, or a stream relayed chunk by chunk. The Exchange owns the log row.

import type { Context } from 'hono';
import type { GatewayContext } from '../context.ts';
import { GatewayError } from '../errors.ts';
import { Exchange } from '../exchange.ts';
import { applyCallerPolicy } from '../caller-policy.ts';
import { requestCaller, requestKeyId } from '../middleware/auth.ts';
import { decisionHeaders, prepare } from '../prepare.ts';
import { answerPlain } from '../plain-answer.ts';
import { relayStream } from '../stream-relay.ts';
import { callUpstream } from '../upstream/call.ts';

function bearer(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match?.[1]?.trim();
}

export async function handleChat(ctx: GatewayContext, c: Context): Promise<Response> {
  const exchange = new Exchange(ctx, 'chat');
  exchange.record.keyId = requestKeyId(c);
  let streaming = false;
  try {
    const response = await answerChat(ctx, c, exchange);
    streaming = response.streaming;
    return response.response;
  } catch (error) {
    const status = error instanceof GatewayError ? error.status : 500;
    exchange.end(status, error instanceof Error ? error.message : String(error));
    throw error;
  } finally {
    // Every non-stream exit has ended the row already; this only guards against a forgotten one.
    if (!streaming) exchange.end(exchange.record.status || 500, exchange.record.error ?? 'request ended without a status');
  }
}

async function answerChat(ctx: GatewayContext, c: Context, exchange: Exchange): Promise<{ response: Response; streaming: boolean }> {
  const bodyText = await c.req.text();
  const prepared = await prepare(ctx, exchange, bodyText, { tags: c.req.header('x-triage-tags'), mode: c.req.header('x-triage-mode') });
  await applyCallerPolicy(ctx, exchange, prepared, requestCaller(c), bodyText.length);
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
