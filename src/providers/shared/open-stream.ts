// The streamed answer of any adapter, once its 2xx headers are in: disarm the headers timeout, refuse
// a JSON body where a stream was asked for, and read the SSE events into typed stream parts through
// the adapter's own classifier (which sees each event's data with the key already scrubbed). A
// broken or stalled stream ends in one error part in plain words, never a throw.

import type { IncomingMessage } from 'node:http';
import type { StreamPart, UpstreamResult, UpstreamTarget } from '../spec.ts';
import type { CallGuard } from './callGuard.ts';
import { failureCode, networkErrorDetail, redact } from './failures.ts';
import type { UpstreamResponse } from './httpTransport.ts';
import { failure, passThroughHeaders, safeMessage } from './results.ts';
import { sseStreamParts } from './sseStream.ts';

export interface OpenedAnswer {
  response: UpstreamResponse;
  body: IncomingMessage;
  guard: CallGuard;
  ttfbMs: number;
}

export function openSseStream(
  target: UpstreamTarget,
  answer: OpenedAnswer,
  maxEventBytes: number,
  classify: (data: string) => StreamPart[],
  warnings: string[],
): UpstreamResult {
  const { response, body, guard, ttfbMs } = answer;
  guard.disarm();
  const contentType = response.headers['content-type'] ?? '';
  if (contentType.includes('application/json')) {
    guard.stop('aborted');
    return { ...failure(target, 'bad_response', 'a stream was requested but upstream answered with JSON'), warnings };
  }
  const brokenPart = (error: unknown): StreamPart => {
    const code = failureCode(guard.stopReason());
    return { type: 'error', code, message: safeMessage(target, code, 'stream', networkErrorDetail(error)) };
  };
  const parts = sseStreamParts({
    body,
    guard,
    idleTimeoutMs: target.timeoutMs,
    classify: (data) => classify(redact(data, target.apiKey)),
    brokenPart,
    maxEventChars: maxEventBytes,
  });
  return { kind: 'stream', status: response.status, parts, ttfbMs, headers: passThroughHeaders(response, target.apiKey), warnings };
}
