// Turns what went wrong on an upstream call into safe, short messages: network error details are
// reduced to their code and cause, and the API key is scrubbed from every message and error body.

import type { StopReason } from './callGuard.ts';
import type { UpstreamFailureCode } from '../spec.ts';

const REDACTED = '[redacted]';
const MAX_DETAIL_CHARS = 300;

/** Replaces every occurrence of `secret` in `text`. */
export function redact(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join(REDACTED) : text;
}

/** Deep copy of a parsed JSON value with `secret` scrubbed from every string in it. */
export function redactDeep(value: unknown, secret: string | undefined): unknown {
  if (!secret) return value;
  if (typeof value === 'string') return redact(value, secret);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, secret));
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = redactDeep(item, secret);
    return copy;
  }
  return value;
}

/**
 * What a fetch / body-read error says, without its top-level message (which can quote the URL):
 * the cause's code and message, e.g. "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9".
 */
export function networkErrorDetail(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  const source = cause instanceof Error ? cause : error;
  if (!(source instanceof Error)) return 'unknown error';
  const code = (source as { code?: unknown }).code;
  // A cause-less TypeError from fetch (e.g. "Failed to parse URL from <url>") may quote the URL.
  const text = source === error && source.name === 'TypeError' ? '' : source.message;
  const detail = [typeof code === 'string' ? code : '', text].filter(Boolean).join(': ');
  return (detail || source.name).slice(0, MAX_DETAIL_CHARS);
}

/** Failure code for an error: the guard's stop reason if it stopped the call, else a connection failure. */
export function failureCode(stopReason: StopReason | undefined): UpstreamFailureCode {
  return stopReason ?? 'connection';
}

/** A human message for a failure code; `detail` is appended for connection failures only. */
export function failureMessage(
  provider: string,
  code: UpstreamFailureCode,
  phase: 'request' | 'stream',
  timeoutMs: number,
  detail: string,
): string {
  const what = phase === 'request' ? 'upstream request' : 'upstream stream';
  switch (code) {
    case 'timeout':
      return phase === 'request'
        ? `${provider}: ${what} timed out after ${timeoutMs} ms`
        : `${provider}: ${what} idle for more than ${timeoutMs} ms`;
    case 'aborted':
      return `${provider}: ${what} was cancelled`;
    case 'connection':
      return `${provider}: ${what} failed (${detail})`;
    case 'bad_response':
      return `${provider}: ${what} returned an unusable response (${detail})`;
    case 'invalid_request':
      return `${provider}: ${what} not sent: ${detail}`;
  }
}
