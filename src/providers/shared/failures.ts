// Turns what went wrong on an upstream call into safe, short messages: network error details are
// reduced to their code in plain words (never an address), and the API key is scrubbed from every
// message, header and error body.

import type { StopReason } from './callGuard.ts';
import type { UpstreamFailureCode } from '../spec.ts';

const REDACTED = '[redacted]';
const MAX_DETAIL_CHARS = 300;

/** Replaces every occurrence of `secret` in `text`. */
export function redact(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join(REDACTED) : text;
}

/** Header values with `secret` scrubbed from each. */
export function redactHeaders(headers: Record<string, string>, secret: string | undefined): Record<string, string> {
  if (!secret) return headers;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = redact(value, secret);
  return out;
}

/** Plain words for the network error codes an upstream call meets; the detail never names an address. */
const NETWORK_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ETIMEDOUT: 'connection timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'socket closed by the other side',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
  UND_ERR_HEADERS_TIMEOUT: 'headers timed out',
  UND_ERR_BODY_TIMEOUT: 'body timed out',
  ERR_INVALID_CHAR: 'invalid character in a request header',
  ERR_INVALID_HTTP_TOKEN: 'invalid request header name',
  HPE_INVALID_CONSTANT: 'the answer is not HTTP',
  ERR_STREAM_PREMATURE_CLOSE: 'the answer broke off',
};

/** Removes IPv4/IPv6 addresses, host:port pairs and URLs from an error text. */
export function withoutAddresses(text: string): string {
  return text
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>')
    .replace(/\[?(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}\]?(?::\d+)?/gi, '<address>')
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '<address>')
    .replace(/\b[a-z0-9.-]+\.[a-z]{2,}:\d+\b/gi, '<address>');
}

/**
 * What a fetch / body-read error says, without its top-level message (which can quote the URL) and
 * without any address: the cause's code in plain words, e.g. "ECONNREFUSED: connection refused".
 */
export function networkErrorDetail(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  const source = cause instanceof Error ? cause : error;
  if (!(source instanceof Error)) return 'unknown error';
  const rawCode = (source as { code?: unknown }).code;
  const code = typeof rawCode === 'string' ? rawCode : '';
  const known = code !== '' && Object.hasOwn(NETWORK_CODES, code) ? NETWORK_CODES[code] : undefined;
  if (known) return `${code}: ${known}`;
  // A cause-less TypeError from fetch (e.g. "Failed to parse URL from <url>") may quote the URL.
  const text = source === error && source.name === 'TypeError' ? '' : withoutAddresses(source.message);
  const detail = [code, text].filter(Boolean).join(': ');
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
    case 'circuit_open':
      return `${provider}: ${what} not sent: ${detail}`;
  }
}
