// Parses and validates what a client sent: the Chat Completions body, caller tags (x-triage-tags,
// OpenAI `user` and `metadata`) and the mode signal. Unknown body fields are kept untouched. Tags are
// bounded: `metadata` follows OpenAI's limits (16 pairs, keys up to 64 and values up to 512
// characters), the header takes at most 32 pairs, and `user` is kept to its first 256 characters.

import { z } from 'zod';
import type { ChatRequest } from '../protocol/chat.ts';
import { invalidRequest } from './errors.ts';

const MessageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function'], {
    error: 'role must be one of system, developer, user, assistant, tool, function',
  }),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()]).optional(),
});

const ChatRequestSchema = z.looseObject({
  model: z.string({ error: 'model is required and must be a string' }).min(1, 'model must not be empty'),
  messages: z.array(MessageSchema, { error: 'messages is required and must be an array' }).min(1, 'messages must not be empty'),
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  user: z.string().optional(),
  metadata: z
    .record(z.string().max(64, 'metadata keys are at most 64 characters'), z.string().max(512, 'metadata values are at most 512 characters'))
    .refine((m) => Object.keys(m).length <= 16, 'metadata holds at most 16 pairs')
    .nullable()
    .optional(),
});

const MAX_HEADER_TAGS = 32;
const MAX_USER_TAG_CHARS = 256;

/** Node reads header bytes as latin1; clients send UTF-8. Re-decode so "équipe" stays "équipe". */
function utf8Header(value: string): string {
  // Only a string of single-byte characters can be a latin1 view of UTF-8 bytes.
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0xff) return value;
  const decoded = Buffer.from(value, 'latin1').toString('utf8');
  return decoded.includes('\ufffd') ? value : decoded;
}

export function parseChatRequest(text: string): ChatRequest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw invalidRequest(`request body is not valid JSON: ${(error as Error).message}`, 'invalid_json');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw invalidRequest('request body must be a JSON object', 'invalid_json');
  }
  const result = ChatRequestSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const param = issue ? issue.path.map(String).join('.') : null;
    const message = issue ? `${param ? `${param}: ` : ''}${issue.message}` : 'invalid request';
    const code = param?.startsWith('messages') ? 'invalid_messages' : param === 'model' ? 'invalid_model' : 'invalid_value';
    throw invalidRequest(message, code, param);
  }
  return result.data as ChatRequest;
}

const TAG_KEY = /^[A-Za-z0-9_.:/-]{1,64}$/;

/** Parses `k=v,k2=v2`; throws a 400 on a malformed pair so a typo does not silently lose spend tags. */
export function parseTagsHeader(header: string | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  if (!header) return tags;
  const pairs = utf8Header(header).split(',');
  if (pairs.length > MAX_HEADER_TAGS) throw invalidRequest(`x-triage-tags: at most ${MAX_HEADER_TAGS} pairs`, 'invalid_tags');
  for (const pair of pairs) {
    const trimmed = pair.trim();
    if (trimmed === '') continue;
    const eq = trimmed.indexOf('=');
    const key = eq > 0 ? trimmed.slice(0, eq).trim() : '';
    const value = eq > 0 ? trimmed.slice(eq + 1).trim() : '';
    if (!TAG_KEY.test(key) || value.length > 256) {
      throw invalidRequest(
        `x-triage-tags: "${trimmed}" is not key=value (keys: letters, digits, _ . : / -, at most 64 characters)`,
        'invalid_tags',
      );
    }
    tags[key] = value;
  }
  return tags;
}

/** Caller tags: header tags, then OpenAI `metadata`, then `user` (header wins on a clash). */
export function callerTags(request: ChatRequest, header: string | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  if (request.metadata) Object.assign(tags, request.metadata);
  if (request.user) tags['user'] = request.user.slice(0, MAX_USER_TAG_CHARS);
  return Object.assign(tags, parseTagsHeader(header));
}

/** Mode signal: x-triage-mode header, else metadata.mode. Lower-cased; null when absent. */
export function modeSignal(request: ChatRequest, header: string | undefined): string | null {
  const value = header ?? request.metadata?.['mode'];
  return value ? value.trim().toLowerCase().slice(0, 64) : null;
}
