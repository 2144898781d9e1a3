// Chat Completions mapping for OpenAI-compatible upstreams, declared as data: the request is the
// client's body with a few fields overridden (everything else forwarded untouched), and responses
// are read for usage; each streamed event becomes typed parts (a chunk with its finish reason and
// usage, an upstream error event, or a malformed-data error).

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

const MAX_ERROR_MESSAGE_CHARS = 500;

/** The message of an upstream error event's `error` value (a string, or an object with `message`). */
function errorEventMessage(error: unknown): string {
  const message = typeof error === 'object' && error !== null && 'message' in error ? error.message : error;
  const text = typeof message === 'string' ? message : JSON.stringify(message) ?? 'unknown error';
  return `upstream sent an error event: ${text}`.slice(0, MAX_ERROR_MESSAGE_CHARS);
}

/** The first non-null finish_reason among the chunk's choices. */
function finishReasonOf(choices: unknown): string | null {
  if (!Array.isArray(choices)) return null;
  for (const choice of choices) {
    if (typeof choice === 'object' && choice !== null && 'finish_reason' in choice) {
      const reason = choice.finish_reason;
      if (typeof reason === 'string') return reason;
    }
  }
  return null;
}

/** Parts for one streamed event (already scrubbed of the key): the chunk, then its usage when it carries one. */
export function chatCompleteStreamParts(data: string): StreamPart[] {
  const json = parseJsonObject(data);
  if (!json) return [{ type: 'error', code: 'bad_response', message: 'upstream sent malformed JSON in the stream' }];
  if ('error' in json && json['error'] != null) return [{ type: 'upstream-error', message: errorEventMessage(json['error']), data }];
  const usage = parseUsage(json['usage']);
  const choices = json['choices'];
  const hasChoices = Array.isArray(choices) && choices.length > 0;
  const parts: StreamPart[] = [
    { type: 'chunk', data, json, isUsageOnly: usage !== undefined && !hasChoices, finishReason: finishReasonOf(choices) },
  ];
  if (usage) parts.push({ type: 'usage', usage });
  return parts;
}
