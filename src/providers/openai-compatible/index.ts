// The OpenAI-compatible provider adapter (spec v1): POSTs the mapped request to
// `${baseUrl}/chat/completions` with global fetch and maps the answer to an UpstreamResult
// (json, stream, http_error or failure). Never throws, never puts the API key in a message.

import type {
  PassThroughHeaders,
  ProviderAdapter,
  StreamPart,
  UpstreamCall,
  UpstreamFailureCode,
  UpstreamResult,
  UpstreamTarget,
} from '../spec.ts';
import { CallGuard } from '../shared/callGuard.ts';
import { failureCode, failureMessage, networkErrorDetail, redact } from '../shared/failures.ts';
import { readErrorBody } from '../shared/responseBody.ts';
import { sseStreamParts } from '../shared/sseStream.ts';
import { chatCompletionsUrl, requestHeaders } from './api.ts';
import { chatCompleteBody, chatCompleteStreamParts, readChatCompletion } from './chatComplete.ts';
import { forward } from './forward.ts';
import type { ForwardingProviderAdapter } from '../spec.ts';

export const OPENAI_COMPATIBLE_KIND = 'openai-compatible';

export function createOpenAiCompatibleAdapter(): ForwardingProviderAdapter {
  return { specVersion: 'v1', kind: OPENAI_COMPATIBLE_KIND, chat: chatComplete, forward };
}

type Phase = 'request' | 'stream';

function safeMessage(target: UpstreamTarget, code: UpstreamFailureCode, phase: Phase, detail: string): string {
  return redact(failureMessage(target.provider, code, phase, target.timeoutMs, detail), target.apiKey);
}

function failure(target: UpstreamTarget, code: UpstreamFailureCode, detail: string): UpstreamResult {
  return { kind: 'failure', code, message: safeMessage(target, code, 'request', detail), warnings: [] };
}

/** Upstream headers a client (or its SDK's back-off) relies on: rate limits, retry-after, request ids. */
const PASS_THROUGH_HEADER = /^(retry-after|retry-after-ms|x-ratelimit-[a-z-]+|x-request-id|openai-processing-ms)$/;

function passThroughHeaders(response: Response): PassThroughHeaders {
  const headers: PassThroughHeaders = {};
  response.headers.forEach((value, name) => {
    if (PASS_THROUGH_HEADER.test(name)) headers[name] = value;
  });
  return headers;
}

async function chatComplete(call: UpstreamCall): Promise<UpstreamResult> {
  const { target, request } = call;
  const stream = request.stream === true;
  let url: string;
  try {
    url = chatCompletionsUrl(target);
  } catch {
    return failure(target, 'connection', 'baseUrl is not a valid URL');
  }

  let body: string;
  try {
    body = JSON.stringify(chatCompleteBody(request, target));
  } catch (error) {
    return failure(target, 'invalid_request', `the request body cannot be serialised (${error instanceof Error ? error.message : String(error)})`);
  }

  const guard = new CallGuard(call.signal);
  const startedAt = performance.now();
  // Non-streaming: the whole call must finish in time; streaming: the headers must arrive in time.
  guard.arm(target.timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: requestHeaders(target, stream),
      body,
      signal: guard.signal,
      redirect: 'manual',
    });
  } catch (error) {
    guard.disarm();
    return failure(target, failureCode(guard.stopReason()), networkErrorDetail(error));
  }
  const ttfbMs = performance.now() - startedAt;
  const { status } = response;

  if (status >= 400) {
    const body = await readErrorBody(response, target.apiKey);
    guard.disarm();
    return { kind: 'http_error', status, body, ttfbMs, headers: passThroughHeaders(response), warnings: [] };
  }
  if (status < 200 || status >= 300 || response.body === null) {
    guard.stop('aborted');
    return failure(target, 'bad_response', `HTTP ${status}${status >= 300 ? ': redirects are not followed, set baseUrl to the final address' : ' with no body'}`);
  }
  if (stream) return openStream(response, guard, target, ttfbMs);

  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    return failure(target, failureCode(guard.stopReason()), networkErrorDetail(error));
  } finally {
    guard.disarm();
  }
  const completion = readChatCompletion(text);
  if (!completion) return failure(target, 'bad_response', 'body is not a JSON object');
  return { kind: 'json', status, body: completion.body, usage: completion.usage, ttfbMs, headers: passThroughHeaders(response), warnings: [] };
}

function openStream(response: Response, guard: CallGuard, target: UpstreamTarget, ttfbMs: number): UpstreamResult {
  guard.disarm();
  const contentType = response.headers.get('content-type') ?? '';
  if (contentType.includes('application/json')) {
    guard.stop('aborted');
    return failure(target, 'bad_response', 'a stream was requested but upstream answered with JSON');
  }
  const brokenPart = (error: unknown): StreamPart => {
    const code = failureCode(guard.stopReason());
    return { type: 'error', code, message: safeMessage(target, code, 'stream', networkErrorDetail(error)) };
  };
  const parts = sseStreamParts({
    body: response.body as ReadableStream<Uint8Array>,
    guard,
    idleTimeoutMs: target.timeoutMs,
    classify: chatCompleteStreamParts,
    brokenPart,
  });
  return { kind: 'stream', status: response.status, parts, ttfbMs, headers: passThroughHeaders(response), warnings: [] };
}
