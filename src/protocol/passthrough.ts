// Reading the OpenAI endpoints the gateway forwards besides chat (Responses, legacy Completions,
// Embeddings): the chat-shaped view of their prompt that routing scores, and their token usage.
// Pure functions over parsed JSON; knows no HTTP.

import { parseUsage, type ChatMessage, type Usage } from './chat.ts';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `value[key]` when value is a JSON object that has key as its own property, else undefined. */
export function member(value: unknown, key: string): unknown {
  return isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

/** Text content parts of the Responses API (and chat's `text`, which some clients send). */
const TEXT_PART_TYPES: ReadonlySet<string> = new Set(['input_text', 'output_text', 'text']);
const MESSAGE_ROLES = ['user', 'assistant', 'system', 'developer'] as const;
type MessageRole = (typeof MESSAGE_ROLES)[number];

function isMessageRole(value: unknown): value is MessageRole {
  return typeof value === 'string' && (MESSAGE_ROLES as readonly string[]).includes(value);
}

/** Text of a Responses message's content: a string, or its text parts joined by newlines. */
function responsesContentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const part of content) {
    if (isObject(part) && typeof part['type'] === 'string' && TEXT_PART_TYPES.has(part['type']) && typeof part['text'] === 'string') {
      texts.push(part['text']);
    }
  }
  return texts.join('\n');
}

/**
 * Chat messages for a Responses request: `instructions` as a system turn, then `input` (a string is
 * one user turn; message items keep their role and text; tool outputs become tool turns; other items
 * such as reasoning or item references are skipped).
 */
export function responsesChatMessages(input: unknown, instructions: unknown): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (typeof instructions === 'string' && instructions !== '') messages.push({ role: 'system', content: instructions });
  if (typeof input === 'string') messages.push({ role: 'user', content: input });
  if (Array.isArray(input)) {
    for (const item of input) {
      if (!isObject(item)) continue;
      const type = item['type'];
      const role = item['role'];
      if ((type === undefined || type === 'message') && isMessageRole(role)) {
        messages.push({ role, content: responsesContentText(item['content']) });
      } else if (type === 'function_call_output') {
        messages.push({ role: 'tool', content: typeof item['output'] === 'string' ? item['output'] : '' });
      }
    }
  }
  return messages;
}

/** Strings of an embeddings `input` or a completions `prompt` (token arrays carry no text), joined. */
export function promptStrings(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return '';
  return value.filter((item): item is string => typeof item === 'string').join('\n');
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Responses usage: input_tokens / output_tokens / input_tokens_details.cached_tokens. */
export function parseResponsesUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const prompt = count(raw['input_tokens']);
  const completion = count(raw['output_tokens']);
  if (prompt === undefined || completion === undefined) return undefined;
  const details = raw['input_tokens_details'];
  const cached = isObject(details) ? (count(details['cached_tokens']) ?? 0) : 0;
  return { promptTokens: prompt, completionTokens: completion, cachedTokens: Math.min(cached, prompt) };
}

/** Embeddings usage: prompt_tokens only (there is no completion). */
export function parseEmbeddingsUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const prompt = count(raw['prompt_tokens']);
  return prompt === undefined ? undefined : { promptTokens: prompt, completionTokens: 0, cachedTokens: 0 };
}

/** Completions usage: the chat shape, with negative or non-finite counts refused. */
export function parseCompletionsUsage(raw: unknown): Usage | undefined {
  const usage = parseUsage(raw);
  if (!usage) return undefined;
  const ok = [usage.promptTokens, usage.completionTokens, usage.cachedTokens].every((n) => count(n) !== undefined);
  return ok ? { ...usage, cachedTokens: Math.min(usage.cachedTokens, usage.promptTokens) } : undefined;
}
