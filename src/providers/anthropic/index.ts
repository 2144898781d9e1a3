// The Anthropic Messages provider adapter (spec v2): maps the chat-shaped request to an Anthropic
// body (request.ts), POSTs it to `${baseUrl}/messages` through the shared guarded POST, and maps
// the answer back to chat-shaped results (response.ts, stream.ts), so the gateway relays it like any
// other. Never throws; the key is scrubbed from every message, body, event and header; bodies and
// events are size-capped; dropped parameters are reported as warnings.

import { postJson, readAnswerText, usableAnswer } from '../shared/post.ts';
import { DEFAULT_MAX_RESPONSE_BYTES, type ProviderAdapter, type UpstreamCall, type UpstreamResult } from '../spec.ts';
import { redact } from '../shared/failures.ts';
import { readErrorBody } from '../shared/responseBody.ts';
import { failure, passThroughHeaders } from '../shared/results.ts';
import { openSseStream } from '../shared/open-stream.ts';
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
  if (stream) {
    const translator = new AnthropicStreamTranslator();
    return openSseStream(target, { response, body: usable.body, guard, ttfbMs }, maxBytes, (data) => translator.parts(data), warnings);
  }

  const text = await readAnswerText(target, posted, maxBytes);
  if (typeof text !== 'string') return { ...text, warnings };
  const completion = readMessage(redact(text, target.apiKey));
  if (!completion) return { ...failure(target, 'bad_response', 'body is not an Anthropic message'), warnings };
  const bodyText = JSON.stringify(completion);
  const headers = passThroughHeaders(response, target.apiKey);
  return { kind: 'json', status, body: completion, bodyText, usage: parseUsage(completion['usage']), ttfbMs, headers, warnings };
}

