// Chat-shaped (OpenAI) answers -> Anthropic Messages answers, for clients of /v1/messages: a
// chat.completion becomes a message (thinking, text and tool_use blocks), usage becomes Anthropic
// usage (cache reads and writes apart from input_tokens), a finish reason a stop reason, and an
// OpenAI error body Anthropic's error body. Reasoning a non-Anthropic model wrote becomes a thinking
// block whose signature names that family, so it can be recognised (and removed) on the way back.

import { parseUsage, type Usage } from '../chat.ts';
import { reasoningDetails, REASONING_FORMAT_OF_FAMILY, UNSIGNED_SIGNATURE_PREFIX, type ModelFamily } from '../reasoning.ts';
import { STOP_REASON_OF_FINISH } from './response.ts';
import { asRecord } from '../json.ts';

type Block = Record<string, unknown>;


export function unsignedSignature(family: ModelFamily): string {
  return `${UNSIGNED_SIGNATURE_PREFIX}${family}`;
}

export function anthropicUsage(usage: Usage | undefined): Record<string, number> {
  if (!usage) return { input_tokens: 0, output_tokens: 0 };
  const written = usage.cacheWriteTokens ?? 0;
  return {
    input_tokens: Math.max(0, usage.promptTokens - usage.cachedTokens - written),
    output_tokens: usage.completionTokens,
    cache_read_input_tokens: usage.cachedTokens,
    cache_creation_input_tokens: written,
  };
}

/** The Anthropic stop reason of a chat choice: its native one when an Anthropic model answered, else mapped. */
export function stopReason(choice: Record<string, unknown>): string | null {
  if (typeof choice['stop_reason'] === 'string') return choice['stop_reason'];
  const finish = choice['finish_reason'];
  if (typeof finish !== 'string') return null;
  return Object.hasOwn(STOP_REASON_OF_FINISH, finish) ? (STOP_REASON_OF_FINISH[finish] ?? 'end_turn') : 'end_turn';
}

export function toolInput(args: unknown): Record<string, unknown> {
  if (typeof args !== 'string' || args.trim() === '') return {};
  try {
    return asRecord(JSON.parse(args)) ?? {};
  } catch {
    return {};
  }
}

function reasoningBlocks(message: Record<string, unknown>, family: ModelFamily): Block[] {
  const details = reasoningDetails(message['reasoning_details']);
  const anthropic = REASONING_FORMAT_OF_FAMILY.anthropic;
  const blocks: Block[] = [];
  for (const detail of details) {
    if (detail.type === 'reasoning.text' && detail.format === anthropic && detail.signature) blocks.push({ type: 'thinking', thinking: detail.text ?? '', signature: detail.signature });
    else if (detail.type === 'reasoning.encrypted' && detail.format === anthropic) blocks.push({ type: 'redacted_thinking', data: detail.data });
  }
  if (blocks.length > 0) return blocks;
  const text = typeof message['reasoning_content'] === 'string' ? message['reasoning_content'] : typeof message['reasoning'] === 'string' ? message['reasoning'] : '';
  return text === '' ? [] : [{ type: 'thinking', thinking: text, signature: unsignedSignature(family) }];
}

/** The Anthropic message for a chat.completion body, answered by a model of `family`. */
export function chatCompletionToMessage(body: unknown, fallbackId: string, family: ModelFamily): Record<string, unknown> {
  const completion = asRecord(body) ?? {};
  const choices = Array.isArray(completion['choices']) ? completion['choices'] : [];
  const choice = asRecord(choices[0]) ?? {};
  const message = asRecord(choice['message']) ?? {};
  const content: Block[] = reasoningBlocks(message, family);
  const text = typeof message['content'] === 'string' ? message['content'] : '';
  if (text !== '') content.push({ type: 'text', text });
  for (const raw of Array.isArray(message['tool_calls']) ? message['tool_calls'] : []) {
    const call = asRecord(raw);
    const fn = asRecord(call?.['function']);
    if (!call || !fn) continue;
    content.push({ type: 'tool_use', id: typeof call['id'] === 'string' ? call['id'] : `toolu_${content.length}`, name: String(fn['name'] ?? ''), input: toolInput(fn['arguments']) });
  }
  return {
    id: typeof completion['id'] === 'string' ? completion['id'] : fallbackId,
    type: 'message',
    role: 'assistant',
    model: typeof completion['model'] === 'string' ? completion['model'] : '',
    content,
    stop_reason: stopReason(choice),
    stop_sequence: typeof choice['stop_sequence'] === 'string' ? choice['stop_sequence'] : null,
    usage: anthropicUsage(parseUsage(completion['usage'])),
  };
}

/** Anthropic's error type for a gateway status (the same statuses as the OpenAI side). */
export function anthropicErrorType(status: number): string {
  if (status === 400 || status === 422) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 402) return 'billing_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 503 || status === 529) return 'overloaded_error';
  if (status === 504) return 'timeout_error';
  return 'api_error';
}

const ANTHROPIC_ERROR_TYPES = new Set([
  'invalid_request_error', 'authentication_error', 'billing_error', 'permission_error', 'not_found_error', 'request_too_large',
  'rate_limit_error', 'api_error', 'overloaded_error', 'timeout_error',
]);

/** Anthropic's error body for an OpenAI-shaped one (or any body: its text becomes the message). */
export function anthropicErrorBody(status: number, body: unknown): { type: 'error'; error: { type: string; message: string } } {
  const error = asRecord(asRecord(body)?.['error']);
  // The status decides (as it does for the OpenAI side); an upstream's own Anthropic type refines a generic one.
  const byStatus = anthropicErrorType(status);
  const type = byStatus === 'api_error' && typeof error?.['type'] === 'string' && ANTHROPIC_ERROR_TYPES.has(error['type']) ? error['type'] : byStatus;
  const message = typeof error?.['message'] === 'string' ? error['message'] : `upstream returned HTTP ${status}`;
  return { type: 'error', error: { type, message } };
}
