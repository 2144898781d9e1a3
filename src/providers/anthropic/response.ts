// Anthropic answers -> the chat-shaped (OpenAI) answers the gateway relays: a message becomes a
// chat.completion (text, tool_calls, reasoning as reasoning_content plus signed reasoning_details),
// usage becomes OpenAI usage with cache reads as cached_tokens and cache writes as
// cache_write_tokens (both counted in prompt_tokens, as OpenAI counts cached tokens), stop reasons
// become finish reasons (the native one kept as `stop_reason`), and an Anthropic error body becomes
// OpenAI's error shape.

import type { AnthropicMessage, AnthropicUsage } from '../../protocol/anthropic/response.ts';
import { AnthropicErrorBodySchema, AnthropicMessageSchema, FINISH_REASON_OF_STOP } from '../../protocol/anthropic/response.ts';
import { REASONING_FORMAT_OF_FAMILY, type ReasoningDetail } from '../../protocol/reasoning.ts';
import { parseJson } from '../shared/responseBody.ts';

const ANTHROPIC_FORMAT = REASONING_FORMAT_OF_FAMILY.anthropic;

export function finishReason(stopReason: string | null | undefined): string | null {
  if (stopReason === null || stopReason === undefined) return null;
  return Object.hasOwn(FINISH_REASON_OF_STOP, stopReason) ? (FINISH_REASON_OF_STOP[stopReason] ?? 'stop') : 'stop';
}

/** OpenAI-shaped usage for Anthropic's counts (input_tokens excludes the cache reads and writes). */
export function chatUsage(usage: AnthropicUsage): Record<string, unknown> {
  const fresh = usage.input_tokens ?? 0;
  const read = usage.cache_read_input_tokens ?? 0;
  const written = usage.cache_creation_input_tokens ?? 0;
  const prompt = fresh + read + written;
  const completion = usage.output_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: read, cache_write_tokens: written },
  };
}

export function toolCall(id: string | undefined, name: string | undefined, args: string, index: number): Record<string, unknown> {
  return { index, id: id ?? `call_${index}`, type: 'function', function: { name: name ?? '', arguments: args } };
}

function completionOf(message: AnthropicMessage): Record<string, unknown> {
  let text = '';
  let reasoningText = '';
  const toolCalls: Record<string, unknown>[] = [];
  const reasoning: ReasoningDetail[] = [];
  for (const block of message.content) {
    if (block.type === 'text') text += block.text ?? '';
    else if (block.type === 'tool_use') {
      const { index: _index, ...call } = toolCall(block.id, block.name, JSON.stringify(block.input ?? {}), toolCalls.length);
      toolCalls.push(call);
    } else if (block.type === 'thinking') {
      reasoningText += block.thinking ?? '';
      reasoning.push({ type: 'reasoning.text', text: block.thinking ?? '', signature: block.signature ?? null, format: ANTHROPIC_FORMAT, index: reasoning.length });
    } else if (block.type === 'redacted_thinking') {
      reasoning.push({ type: 'reasoning.encrypted', data: block.data ?? '', format: ANTHROPIC_FORMAT, index: reasoning.length });
    }
  }
  const assistant: Record<string, unknown> = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text };
  if (toolCalls.length > 0) assistant['tool_calls'] = toolCalls;
  if (reasoningText !== '') assistant['reasoning_content'] = reasoningText;
  if (reasoning.length > 0) assistant['reasoning_details'] = reasoning;
  return {
    id: message.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: message.model,
    choices: [
      { index: 0, message: assistant, finish_reason: finishReason(message.stop_reason), stop_reason: message.stop_reason ?? null, stop_sequence: message.stop_sequence ?? null },
    ],
    usage: chatUsage(message.usage ?? {}),
  };
}

/** The chat.completion for an Anthropic message body, or null when the text is not one. */
export function readMessage(text: string): Record<string, unknown> | null {
  const parsed = AnthropicMessageSchema.safeParse(parseJson(text));
  return parsed.success ? completionOf(parsed.data) : null;
}

/** An Anthropic error body in OpenAI's shape; any other body is returned as it is. */
export function chatErrorBody(body: unknown, bodyText: string): { body: unknown; bodyText: string } {
  const parsed = AnthropicErrorBodySchema.safeParse(body);
  if (!parsed.success) return { body, bodyText };
  const error = { error: { message: parsed.data.error.message, type: parsed.data.error.type, code: null } };
  return { body: error, bodyText: JSON.stringify(error) };
}
