// Pieces of an UpstreamResult every adapter call builds the same way: failure messages
// scrubbed of the key, and the upstream headers worth passing on to the client.

import type { PassThroughHeaders, UpstreamFailure, UpstreamFailureCode, UpstreamTarget } from '../spec.ts';
import { failureMessage, redact, redactHeaders } from './failures.ts';
import type { UpstreamResponse } from './httpTransport.ts';

export type Phase = 'request' | 'stream';

export function safeMessage(target: UpstreamTarget, code: UpstreamFailureCode, phase: Phase, detail: string): string {
  return redact(failureMessage(target.provider, code, phase, target.timeoutMs, detail), target.apiKey);
}

export function failure(target: UpstreamTarget, code: UpstreamFailureCode, detail: string): UpstreamFailure {
  return { kind: 'failure', code, message: safeMessage(target, code, 'request', detail), warnings: [] };
}

/** Upstream headers a client (or its SDK's back-off) relies on: rate limits, retry-after, request ids. */
const PASS_THROUGH_HEADER = /^(retry-after|retry-after-ms|x-ratelimit-[a-z-]+|x-request-id|request-id|openai-processing-ms|anthropic-ratelimit-[a-z-]+)$/;

export function passThroughHeaders(response: UpstreamResponse, apiKey: string | undefined): PassThroughHeaders {
  const headers: PassThroughHeaders = {};
  const received = response.headers;
  for (const name of Object.keys(received)) {
    const value = received[name];
    if (value === undefined || !PASS_THROUGH_HEADER.test(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return redactHeaders(headers, apiKey);
}
