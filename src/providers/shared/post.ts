// The one outbound POST of every adapter (chat, and forward() for OpenAI-compatible paths): checks
// the URL, serialises the body, sends it with the adapter's headers (key, target headers) through the
// pooled keep-alive transport (httpTransport.ts) under a CallGuard (the caller's signal plus a
// timeout armed until the headers arrive), and reports a failure (never a throw) when any of that
// goes wrong. Redirects are refused so the key never travels elsewhere. Also the two checks both
// callers make on the answer: a usable status, and the capped body read.

import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { UpstreamFailure, UpstreamTarget } from '../spec.ts';
import { CallGuard } from './callGuard.ts';
import { failureCode, networkErrorDetail } from './failures.ts';
import { checkUrl, postBody, type UpstreamResponse } from './httpTransport.ts';
import { BodyTooLargeError, readBodyText } from './responseBody.ts';
import { failure } from './results.ts';

export interface Posted {
  kind: 'response';
  response: UpstreamResponse;
  /** Still armed for the caller to disarm, re-arm (streams), stop or release. */
  guard: CallGuard;
  /** Milliseconds from the call to the response headers. */
  ttfbMs: number;
}

export async function postJson(
  target: UpstreamTarget,
  url: () => string,
  body: () => unknown,
  /** Built inside the guarded call: an invalid header value is a connection failure, never a throw. */
  headers: () => OutgoingHttpHeaders,
  signal: AbortSignal | undefined,
): Promise<Posted | UpstreamFailure> {
  let address: string;
  try {
    address = url();
    checkUrl(address);
  } catch {
    return failure(target, 'connection', 'baseUrl is not a valid URL');
  }
  let payload: Buffer;
  try {
    payload = Buffer.from(JSON.stringify(body()) ?? 'null', 'utf8');
  } catch (error) {
    return failure(target, 'invalid_request', `the request body cannot be serialised (${error instanceof Error ? error.message : String(error)})`);
  }
  const guard = new CallGuard(signal);
  const startedAt = performance.now();
  // Non-streaming: the whole call must finish in time; streaming: the headers must arrive in time.
  guard.arm(target.timeoutMs);
  try {
    const response = await postBody(address, headers(), payload, guard);
    return { kind: 'response', response, guard, ttfbMs: performance.now() - startedAt };
  } catch (error) {
    guard.release();
    return failure(target, failureCode(guard.stopReason()), networkErrorDetail(error));
  }
}

/** Statuses whose answer has no body by definition. */
const NO_BODY = new Set([204, 205]);

/** A 2xx answer's body, or the failure for a 1xx/3xx answer or a body-less one (the call is then stopped). */
export function usableAnswer(target: UpstreamTarget, posted: Posted): { kind: 'usable'; body: IncomingMessage } | UpstreamFailure {
  const { status, body } = posted.response;
  if (status >= 200 && status < 300 && !NO_BODY.has(status)) return { kind: 'usable', body };
  posted.guard.stop('aborted');
  return failure(target, 'bad_response', `HTTP ${status}${status >= 300 ? ': redirects are not followed, set baseUrl to the final address' : ' with no body'}`);
}

/** The whole answer body, capped at maxBytes, or the failure to report; the guard is released either way. */
export async function readAnswerText(target: UpstreamTarget, posted: Posted, maxBytes: number): Promise<string | UpstreamFailure> {
  const { guard } = posted;
  try {
    return await readBodyText(posted.response, maxBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      guard.stop('aborted');
      return failure(target, 'bad_response', error.message);
    }
    return failure(target, failureCode(guard.stopReason()), networkErrorDetail(error));
  } finally {
    guard.release();
  }
}
