// POST /v1/chat/completions: decide, try the decision's models in order, and answer: JSON passed
// through as the upstream sent it, or a stream relayed chunk by chunk. The Exchange owns the log row.

import type { Context } from 'hono';
import type { GatewayContext } from '../context.ts';
import { GatewayError, errorResponse } from '../errors.ts';
import { Exchange } from '../exchange.ts';
import { applyCallerPolicy } from '../caller-policy.ts';
import { requestCaller, requestKeyId } from '../middleware/auth.ts';
import { decisionHeaders, prepare } from '../prepare.ts';
import { relayStream } from '../stream-relay.ts';
import { callUpstream, type AttemptOutcome, type AttemptResult } from '../upstream/call.ts';

function bearer(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match?.[1]?.trim();
}

/** The gateway's error for an attempt that did not serve (also used by the pass-through endpoints). */
export function upstreamError(outcome: AttemptOutcome<AttemptResult>): GatewayError {
  const { result, attempt } = outcome;
  if (result.kind === 'failure' && result.code === 'invalid_request') {
    return new GatewayError(400, result.message, 'invalid_request_error', 'invalid_request');
  }
  if (result.kind === 'failure') {
    if (result.code === 'timeout') return new GatewayError(504, `upstream ${attempt.alias} timed out: ${result.message}`, 'timeout_error', 'upstream_timeout');
    if (result.code === 'circuit_open') return new GatewayError(503, `upstream ${attempt.alias} is unavailable: ${result.message}`, 'upstream_error', 'upstream_circuit_open');
    return new GatewayError(502, `upstream ${attempt.alias} failed: ${result.message}`, 'upstream_error', `upstream_${result.code}`);
  }
  const status = result.kind === 'http_error' ? result.status : 0;
  return new GatewayError(502, `upstream ${attempt.alias} answered with status ${status}`, 'upstream_error', 'upstream_error');
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
  const plain = (status: number, bodyText: string, headers: Record<string, string>): { response: Response; streaming: boolean } => ({
    response: new Response(bodyText, { status, headers: { 'content-type': 'application/json', ...headers, ...decisionHeaders(exchange, warnings) } }),
    streaming: false,
  });

  switch (result.kind) {
    case 'stream':
      // From here the relay owns the Exchange and ends it with the last chunk or a cancellation.
      return { response: relayStream(ctx, exchange, prepared.request, outcome, result, decisionHeaders(exchange, warnings)), streaming: true };
    case 'json':
      exchange.firstByte(upstreamStartedMs + result.ttfbMs);
      exchange.usage(result.usage);
      exchange.end(result.status, null);
      return plain(result.status, result.bodyText, result.headers);
    case 'http_error':
      exchange.firstByte(upstreamStartedMs + result.ttfbMs);
      if (result.status < 500) {
        // Client errors from the upstream (bad parameters, rate limits, auth) pass through as they are.
        exchange.end(result.status, `upstream status ${result.status}`);
        return plain(result.status, result.bodyText, result.headers);
      }
      break;
    case 'failure':
      if (result.code === 'aborted') {
        // The client went away before the upstream answered: nobody reads this response.
        const reason = ctx.closing ? 'cut at gateway shutdown' : 'client closed the request';
        exchange.end(499, reason);
        return { response: errorResponse(new GatewayError(499, reason, 'invalid_request_error', 'client_closed')), streaming: false };
      }
      break;
  }
  const error = upstreamError(outcome);
  exchange.end(error.status, error.message);
  const passed = result.kind === 'http_error' ? result.headers : {};
  return { response: errorResponse(error, { ...passed, ...decisionHeaders(exchange, warnings) }), streaming: false };
}
