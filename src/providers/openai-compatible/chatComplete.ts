// Chat Completions mapping for OpenAI-compatible upstreams, declared as data: the request is the
// client's body with a few fields overridden (everything else forwarded untouched), and responses
// are read for usage; streamed chunks are classified (usage-only or not).

import { parseUsage, type ChatRequest, type Usage } from '../../protocol/chat.ts';
import type { StreamPart, UpstreamTarget } from '../spec.ts';
import { parseJsonObject } from '../shared/responseBody.ts';

type FieldRule = (request: ChatRequest, target: UpstreamTarget) => unknown;

/** Request fields the adapter sets (undefined = leave out); all other fields pass through as sent. */
const REQUEST_OVERRIDES: Readonly<Record<string, FieldRule>> = {
  model: (_request, target) => target.modelId,
  // Usage for streams only arrives in a final chunk when asked for; the gateway always asks.
  stream_options: (request) =>
    request.stream === true
      ? { ...(request.stream_options ?? {}), include_usage: true }
      : request.stream_options,
};

export function chatCompleteBody(
  request: ChatRequest,
  target: UpstreamTarget,
): Record<string, unknown> {
  const body: Record<string, unknown> = { ...request };
  for (const [field, rule] of Object.entries(REQUEST_OVERRIDES)) {
    const value = rule(request, target);
    if (value === undefined) delete body[field];
    else body[field] = value;
  }
  return body;
}

/** A non-streamed completion: its parsed body and usage, or null when the text is not a JSON object. */
export function readChatCompletion(
  text: string,
): { body: Record<string, unknown>; usage: Usage | undefined } | null {
  const body = parseJsonObject(text);
  return body ? { body, usage: parseUsage(body['usage']) } : null;
}

/** Parts for one streamed event: the chunk, then its usage when it carries one. */
export function chatCompleteStreamParts(data: string): StreamPart[] {
  const json = parseJsonObject(data);
  const usage = json ? parseUsage(json['usage']) : undefined;
  const choices = json?.['choices'];
  const hasChoices = Array.isArray(choices) && choices.length > 0;
  const parts: StreamPart[] = [{ type: 'chunk', data, json, isUsageOnly: usage !== undefined && !hasChoices }];
  if (usage) parts.push({ type: 'usage', usage });
  return parts;
}
