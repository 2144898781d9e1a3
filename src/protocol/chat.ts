// OpenAI Chat Completions wire types shared by every layer (the bottom of the dependency order),
// plus the few pure helpers that read text out of a request. Knows no HTTP and no routing.

import { hash } from 'node:crypto';

export type Role = 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';

export interface TextContentPart {
  type: 'text';
  text: string;
}

/** Any non-text part (image_url, input_audio, file, ...): forwarded untouched, ignored by scoring. */
export interface OtherContentPart {
  type: string;
  [key: string]: unknown;
}

export type ContentPart = TextContentPart | OtherContentPart;

export interface ChatMessage {
  role: Role;
  content?: string | ContentPart[] | null;
  name?: string;
  tool_calls?: unknown[];
  tool_call_id?: string;
  [key: string]: unknown;
}

/** A Chat Completions request. Unknown fields are kept and forwarded upstream as they are. */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean; [key: string]: unknown } | null;
  tools?: unknown[];
  user?: string;
  metadata?: Record<string, string>;
  [key: string]: unknown;
}

/** Token usage as OpenAI reports it (cached tokens live in prompt_tokens_details). */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  /** Prompt tokens written to the prompt cache (Anthropic's cache_creation_input_tokens), when reported. */
  cacheWriteTokens?: number;
}

/** Text of one message: string content, or its text parts joined by newlines. */
export function messageText(message: ChatMessage): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const part of content) {
    if (part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
  }
  return texts.join('\n');
}

/** Text of the last user turn (empty string if there is none). */
export function lastUserText(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message && message.role === 'user') return messageText(message);
  }
  return '';
}

/** Most tokens one call can plausibly report; anything above is an upstream bug, not usage to bill. */
export const MAX_PLAUSIBLE_TOKENS = 100_000_000;

/** A token count as reported: a whole number in [0, MAX_PLAUSIBLE_TOKENS], else undefined. */
function tokenCount(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return undefined;
  return value >= 0 && value <= MAX_PLAUSIBLE_TOKENS ? value : undefined;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * Reads OpenAI's `usage` object (any shape) into a Usage, or undefined when absent or malformed.
 * Negative, fractional or absurd counts make the whole usage unusable (nothing is billed from it);
 * a bad cached count reads as 0, and cached tokens never exceed prompt tokens.
 */
export function parseUsage(raw: unknown): Usage | undefined {
  const prompt = tokenCount(field(raw, 'prompt_tokens'));
  const completion = tokenCount(field(raw, 'completion_tokens'));
  if (prompt === undefined || completion === undefined) return undefined;
  const details = field(raw, 'prompt_tokens_details');
  const cached = Math.min(tokenCount(field(details, 'cached_tokens')) ?? 0, prompt);
  const usage: Usage = { promptTokens: prompt, completionTokens: completion, cachedTokens: cached };
  // Cache writes (Anthropic's cache_creation_input_tokens) are part of the prompt, beside the cached reads.
  const written = tokenCount(field(details, 'cache_write_tokens'));
  if (written !== undefined && written > 0) usage.cacheWriteTokens = Math.min(written, prompt - cached);
  return usage;
}

/** Trim, collapse every whitespace run to one space, lower-case: the text a prompt hash covers. */
// A run of two or more whitespace characters, or one that is not a plain space: the same result as
// replacing every /\s+/ run, without rewriting each single space of ordinary text (4x faster).
const WHITESPACE_TO_COLLAPSE = /\s{2,}|[^\S ]/g;

export function normalisePrompt(prompt: string): string {
  return prompt.trim().replace(WHITESPACE_TO_COLLAPSE, ' ').toLowerCase();
}

/**
 * sha256 hex of the normalised prompt. The same identity in the decision log (over the last user
 * turn) and in labelled data, so logged traffic can be joined with labels and checked for leaks.
 */
export function promptHash(prompt: string): string {
  // One-shot crypto.hash (Node >= 20.12): the same digest as createHash().update().digest(), without a Hash object per request.
  return hash('sha256', normalisePrompt(prompt), 'hex');
}
