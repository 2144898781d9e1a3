// The OpenAI-compatible provider adapter (spec v2): POSTs the mapped request to
// `${baseUrl}/chat/completions` with global fetch and maps the answer to an UpstreamResult
// (json, stream, http_error or failure); other paths go through forward() (forward.ts). Never
// throws; the API key is scrubbed from every message, body, stream event and passed-through header.
// Bodies and stream events are size-capped.

import {
  DEFAULT_MAX_RESPONSE_BYTES,
  type ForwardingProviderAdapter,
  type StreamPart,
  type UpstreamCall,
  type UpstreamResult,
  type UpstreamTarget,
} from '../spec.ts';
import { CallGuard } from '../shared/callGuard.ts';
import { failureCode, networkErrorDetail, redact } from '../shared/failures.ts';
import { BodyTooLargeError, readBodyText, readErrorBody } from '../shared/responseBody.ts';
import { sseStreamParts } from '../shared/sseStream.ts';
import { chatCompletionsUrl, requestHeaders } from './api.ts';
import { chatCompleteBody, chatCompleteStreamParts, readChatCompletion } from './chatComplete.ts';
import { forward } from './forward.ts';
import { failure, passThroughHeaders, safeMessage } from './results.ts';

export const OPENAI_COMPATIBLE_KIND = 'openai-compatible';

export function createOpenAiCompatibleAdapter(): ForwardingProviderAdapter {
  return { specVersion: 'v2', kind: OPENAI_COMPATIBLE_KIND, chat: chatComplete, forward };
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

  const maxBytes = target.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (status >= 400) {
    const { body, bodyText } = await readErrorBody(response, target.apiKey, maxBytes);
    guard.disarm();
    return { kind: 'http_error', status, body, bodyText, ttfbMs, headers: passThroughHeaders(response, target.apiKey), warnings: [] };
  }
  if (status < 200 || status >= 300 || response.body === null) {
    guard.stop('aborted');
    return failure(target, 'bad_response', `HTTP ${status}${status >= 300 ? ': redirects are not followed, set baseUrl to the final address' : ' with no body'}`);
  }
  if (stream) return openStream(response, guard, target, ttfbMs, maxBytes);

  let text: string;
  try {
    text = redact(await readBodyText(response, maxBytes), target.apiKey);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      guard.stop('aborted');
      return failure(target, 'bad_response', error.message);
    }
    return failure(target, failureCode(guard.stopReason()), networkErrorDetail(error));
  } finally {
    guard.disarm();
  }
  const completion = readChatCompletion(text);
  if (!completion) return failure(target, 'bad_response', 'body is not a JSON object');
  const headers = passThroughHeaders(response, target.apiKey);
  return { kind: 'json', status, body: completion.body, bodyText: text, usage: completion.usage, ttfbMs, headers, warnings: [] };
}

function openStream(response: Response, guard: CallGuard, target: UpstreamTarget, ttfbMs: number, maxEventBytes: number): UpstreamResult {
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
    classify: (data) => chatCompleteStreamParts(redact(data, target.apiKey)),
    brokenPart,
    maxEventChars: maxEventBytes,
  });
  return { kind: 'stream', status: response.status, parts, ttfbMs, headers: passThroughHeaders(response, target.apiKey), warnings: [] };
}
