// The Anthropic Messages provider adapter (spec v2): maps the chat-shaped request to an Anthropic
// body (request.ts), POSTs it to `${baseUrl}/messages` through the shared guarded POST, and maps
// the answer back to chat-shaped results (response.ts, stream.ts), so the gateway relays it like any
// other. Never throws; the key is scrubbed from every message, body, event and header; bodies and
// events are size-capped; dropped parameters are reported as warnings.

import type { IncomingMessage } from 'node:http';
import { postJson, readAnswerText, usableAnswer } from '../shared/post.ts';
import type { UpstreamResponse } from '../shared/httpTransport.ts';
import { DEFAULT_MAX_RESPONSE_BYTES, type ProviderAdapter, type StreamPart, type UpstreamCall, type UpstreamResult, type UpstreamTarget } from '../spec.ts';
import type { CallGuard } from '../shared/callGuard.ts';
import { failureCode, networkErrorDetail, redact } from '../shared/failures.ts';
import { readErrorBody } from '../shared/responseBody.ts';
import { failure, passThroughHeaders, safeMessage } from '../shared/results.ts';
import { sseStreamParts } from '../shared/sseStream.ts';
import { anthropicHeaders, messagesUrl } from './api.ts';
import { anthropicBody } from './request.ts';
import { chatErrorBody, readMessage } from './response.ts';
import { AnthropicStreamTranslator } from './stream.ts';
import { parseUsage } from '../../protocol/chat.ts';

export const ANTHROPIC_KIND = 'anthropic';

export function createAnthropicAdapter(): ProviderAdapter {
  return { specVersion: 'v2', kind: ANTHROPIC_KIND, chat: chatComplete };
}

async function chatComplete(call: UpstreamCall): Promise<UpstreamResult> {
  const { target, request } = call;
  const stream = request.stream === true;
  const dropped = new Set<string>();
  const posted = await postJson(target, () => messagesUrl(target), () => anthropicBody(request, target.modelId, call.extensions?.anthropic, dropped), () => anthropicHeaders(target, stream, call.extensions?.anthropic?.beta), call.signal);
  const warnings = [...dropped];
  if (posted.kind === 'failure') return { ...posted, warnings };
  const { response, guard, ttfbMs } = posted;
  const { status } = response;
  const maxBytes = target.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (status >= 400) {
    const read = await readErrorBody(response, target.apiKey, maxBytes);
    guard.release();
    const { body, bodyText } = chatErrorBody(read.body, read.bodyText);
    return { kind: 'http_error', status, body, bodyText, ttfbMs, headers: passThroughHeaders(response, target.apiKey), warnings };
  }
  const usable = usableAnswer(target, posted);
  if (usable.kind === 'failure') return { ...usable, warnings };
  if (stream) return openStream(response, usable.body, guard, target, ttfbMs, maxBytes, warnings);

  const text = await readAnswerText(target, posted, maxBytes);
  if (typeof text !== 'string') return { ...text, warnings };
  const completion = readMessage(redact(text, target.apiKey));
  if (!completion) return { ...failure(target, 'bad_response', 'body is not an Anthropic message'), warnings };
  const bodyText = JSON.stringify(completion);
  const headers = passThroughHeaders(response, target.apiKey);
  return { kind: 'json', status, body: completion, bodyText, usage: parseUsage(completion['usage']), ttfbMs, headers, warnings };
}

function openStream(response: UpstreamResponse, body: IncomingMessage, guard: CallGuard, target: UpstreamTarget, ttfbMs: number, maxEventBytes: number, warnings: string[]): UpstreamResult {
  guard.disarm();
  const contentType = response.headers['content-type'] ?? '';
  if (contentType.includes('application/json')) {
    guard.stop('aborted');
    return { ...failure(target, 'bad_response', 'a stream was requested but upstream answered with JSON'), warnings };
  }
  const translator = new AnthropicStreamTranslator();
  const brokenPart = (error: unknown): StreamPart => {
    const code = failureCode(guard.stopReason());
    return { type: 'error', code, message: safeMessage(target, code, 'stream', networkErrorDetail(error)) };
  };
  const parts = sseStreamParts({
    body,
    guard,
    idleTimeoutMs: target.timeoutMs,
    classify: (data) => translator.parts(redact(data, target.apiKey)),
    brokenPart,
    maxEventChars: maxEventBytes,
  });
  return { kind: 'stream', status: response.status, parts, ttfbMs, headers: passThroughHeaders(response, target.apiKey), warnings };
}
