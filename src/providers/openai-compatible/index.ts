// The OpenAI-compatible provider adapter (spec v2): POSTs the mapped request to
// `${baseUrl}/chat/completions` through the pooled keep-alive transport and maps the answer to an UpstreamResult
// (json, stream, http_error or failure); other paths go through forward() (forward.ts). Never
// throws; the API key is scrubbed from every message, body, stream event and passed-through header.
// Bodies and stream events are size-capped.

import { postJson, readAnswerText, usableAnswer } from '../shared/post.ts';
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  type ForwardingProviderAdapter,
  type UpstreamCall,
  type UpstreamResult,
} from '../spec.ts';
import { redact } from '../shared/failures.ts';
import { readErrorBody } from '../shared/responseBody.ts';
import { openSseStream } from '../shared/open-stream.ts';
import { chatCompletionsUrl, requestHeaders } from './api.ts';
import { chatCompleteBody, chatCompleteStreamParts, readChatCompletion } from './chatComplete.ts';
import { forward } from './forward.ts';
import { failure, passThroughHeaders } from '../shared/results.ts';

export const OPENAI_COMPATIBLE_KIND = 'openai-compatible';

export function createOpenAiCompatibleAdapter(): ForwardingProviderAdapter {
  return { specVersion: 'v2', kind: OPENAI_COMPATIBLE_KIND, chat: chatComplete, forward };
}

async function chatComplete(call: UpstreamCall): Promise<UpstreamResult> {
  const { target, request } = call;
  const stream = request.stream === true;
  const posted = await postJson(target, () => chatCompletionsUrl(target), () => chatCompleteBody(request, target), () => requestHeaders(target, stream), call.signal);
  if (posted.kind === 'failure') return posted;
  const { response, guard, ttfbMs } = posted;
  const { status } = response;

  const maxBytes = target.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (status >= 400) {
    const { body, bodyText } = await readErrorBody(response, target.apiKey, maxBytes);
    guard.release();
    return { kind: 'http_error', status, body, bodyText, ttfbMs, headers: passThroughHeaders(response, target.apiKey), warnings: [] };
  }
  const usable = usableAnswer(target, posted);
  if (usable.kind === 'failure') return usable;
  if (stream) return openSseStream(target, { response, body: usable.body, guard, ttfbMs }, maxBytes, chatCompleteStreamParts, []);

  const read = await readAnswerText(target, posted, maxBytes);
  if (typeof read !== 'string') return read;
  const text = redact(read, target.apiKey);
  const completion = readChatCompletion(text);
  if (!completion) return failure(target, 'bad_response', 'body is not a JSON object');
  const headers = passThroughHeaders(response, target.apiKey);
  return { kind: 'json', status, body: completion.body, bodyText: text, usage: completion.usage, ttfbMs, headers, warnings: [] };
}

