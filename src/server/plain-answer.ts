// How a routed or passed-through request is answered when the upstream did not stream: a JSON
// answer or an upstream 4xx passed through as its text, a 499 when the client left, or the
// gateway's own error (502/503/504, 400 for an unsendable body). Ends the Exchange in each case.
// Shared by chat and the pass-through endpoints; streams have their own relays.

import type { Usage } from '../protocol/chat.ts';
import type { PassThroughHeaders, UpstreamFailure } from '../providers/spec.ts';
import type { GatewayContext } from './context.ts';
import { GatewayError, errorResponse } from './errors.ts';
import type { Exchange } from './exchange.ts';
import type { AttemptOutcome, AttemptResult } from './upstream/call.ts';

/** A non-streamed result: what both adapters' json, http_error and failure results have in common. */
export type PlainResult =
  | { kind: 'json'; status: number; bodyText: string; ttfbMs: number; headers: PassThroughHeaders }
  | { kind: 'http_error'; status: number; bodyText: string; ttfbMs: number; headers: PassThroughHeaders }
  | UpstreamFailure;

/** The gateway's error for an attempt that did not serve. */
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

export function answerPlain(
  ctx: GatewayContext,
  exchange: Exchange,
  outcome: AttemptOutcome<AttemptResult>,
  result: PlainResult,
  options: { upstreamStartedMs: number; usage: () => Usage | undefined; headers: (passed: PassThroughHeaders) => Record<string, string> },
): Response {
  const plain = (status: number, text: string, passed: PassThroughHeaders): Response =>
    new Response(text, { status, headers: { 'content-type': 'application/json', ...options.headers(passed) } });
  switch (result.kind) {
    case 'json':
      exchange.capture?.fromBody(result.bodyText);
      exchange.firstByte(options.upstreamStartedMs + result.ttfbMs);
      exchange.usage(options.usage());
      exchange.end(result.status, null);
      return plain(result.status, result.bodyText, result.headers);
    case 'http_error':
      exchange.firstByte(options.upstreamStartedMs + result.ttfbMs);
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
        return errorResponse(new GatewayError(499, reason, 'invalid_request_error', 'client_closed'));
      }
      break;
  }
  const error = upstreamError(outcome);
  exchange.end(error.status, error.message);
  return errorResponse(error, options.headers(result.kind === 'http_error' ? result.headers : {}));
}
