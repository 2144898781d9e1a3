// An estimate of a Messages request's input tokens for /v1/messages/count_tokens, made locally (the
// gateway holds no tokenizer for every model it may route to): one token per 4 characters of the
// text the model reads (system, messages, tool definitions, tool inputs and results, thinking),
// plus a fixed allowance per image. Clients use it to budget their context, so it errs high.

import type { CountTokensRequest } from '../../protocol/anthropic/messages.ts';
import { asRecord } from '../../protocol/json.ts';

const CHARS_PER_TOKEN = 4;
/** Allowance for one image: Anthropic's cost for an image near its largest unresized size (about 1.15 megapixels / 750). */
const TOKENS_PER_IMAGE = 1600;
/** Per-message framing (role markers and separators). */
const TOKENS_PER_MESSAGE = 4;

function textOf(value: unknown, images: { count: number }): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((item) => textOf(item, images)).join('\n');
  const block = asRecord(value);
  if (!block) return '';
  switch (block['type']) {
    case 'text':
      return textOf(block['text'], images);
    case 'image':
      images.count += 1;
      return '';
    case 'tool_use':
      return `${String(block['name'])} ${JSON.stringify(block['input'] ?? {})}`;
    case 'tool_result':
      return textOf(block['content'], images);
    case 'thinking':
      return textOf(block['thinking'], images);
    default:
      return '';
  }
}

export function estimateInputTokens(body: CountTokensRequest): number {
  const images = { count: 0 };
  const parts = [textOf(body.system ?? '', images), ...body.messages.map((m) => textOf(m.content, images))];
  if (body.tools) parts.push(JSON.stringify(body.tools));
  const chars = parts.reduce((sum, part) => sum + part.length, 0);
  return Math.ceil(chars / CHARS_PER_TOKEN) + images.count * TOKENS_PER_IMAGE + body.messages.length * TOKENS_PER_MESSAGE;
}
