// Anthropic stream events -> typed StreamParts carrying chat.completion.chunk JSON, one stateful
// translator per stream: message_start gives the id, model and input usage (and a role chunk);
// text, tool_use (with input_json_delta as tool-call argument deltas), thinking (text and
// signature) and redacted thinking become chunk deltas; message_delta gives the finish reason and
// the output usage; message_stop ends the answer with a usage-only chunk, a usage part and `done`.
// An `error` event is an upstream-error part (its data in OpenAI's error shape); malformed data an error part.

import { parseUsage } from '../../protocol/chat.ts';
import { StreamEventSchema, type AnthropicUsage } from '../../protocol/anthropic/response.ts';
import { REASONING_FORMAT_OF_FAMILY } from '../../protocol/reasoning.ts';
import type { StreamPart } from '../spec.ts';
import { parseJson } from '../shared/responseBody.ts';
import { chatUsage, finishReason, toolCall } from './response.ts';

const ANTHROPIC_FORMAT = REASONING_FORMAT_OF_FAMILY.anthropic;
const MAX_ERROR_MESSAGE_CHARS = 500;

interface BlockState {
  kind: 'text' | 'tool' | 'thinking' | 'other';
  /** Tool-call index (tools) or reasoning index (thinking). */
  index: number;
}

export class AnthropicStreamTranslator {
  #id = 'msg';
  #model = '';
  readonly #created = Math.floor(Date.now() / 1000);
  #usage: AnthropicUsage = {};
  readonly #blocks = new Map<number, BlockState>();
  #tools = 0;
  #reasoning = 0;

  #chunk(delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}): StreamPart {
    const json = { id: this.#id, object: 'chat.completion.chunk', created: this.#created, model: this.#model, choices: [{ index: 0, delta, finish_reason: finish, ...extra }] };
    return { type: 'chunk', data: JSON.stringify(json), json, isUsageOnly: false, finishReason: finish };
  }

  /** Parts for one event's data (already scrubbed of the key). */
  parts(data: string): StreamPart[] {
    const raw = parseJson(data);
    if (raw === undefined) return [{ type: 'error', code: 'bad_response', message: 'upstream sent malformed JSON in the stream' }];
    const parsed = StreamEventSchema.safeParse(raw);
    if (!parsed.success) {
      const type = typeof raw === 'object' && raw !== null && 'type' in raw ? raw.type : undefined;
      // An event type this version does not know is skipped; a known one with a wrong shape is not.
      const known = StreamEventSchema.options.some((option) => option.shape.type.value === type);
      return known ? [{ type: 'error', code: 'bad_response', message: `upstream sent a malformed ${String(type)} event` }] : [];
    }
    const event = parsed.data;
    switch (event.type) {
      case 'message_start':
        this.#id = event.message.id;
        this.#model = event.message.model;
        this.#usage = { ...(event.message.usage ?? {}) };
        return [this.#chunk({ role: 'assistant', content: '' })];
      case 'content_block_start':
        return this.#start(event.index, event.content_block);
      case 'content_block_delta':
        return this.#delta(event.index, event.delta);
      case 'content_block_stop':
      case 'ping':
        return [];
      case 'message_delta': {
        for (const [key, value] of Object.entries(event.usage ?? {})) if (value !== null && value !== undefined) this.#usage[key] = value;
        const stop = event.delta.stop_reason ?? null;
        if (stop === null) return [];
        return [this.#chunk({}, finishReason(stop), { stop_reason: stop, stop_sequence: event.delta.stop_sequence ?? null })];
      }
      case 'message_stop': {
        const usageJson = chatUsage(this.#usage);
        const json = { id: this.#id, object: 'chat.completion.chunk', created: this.#created, model: this.#model, choices: [], usage: usageJson };
        const parts: StreamPart[] = [{ type: 'chunk', data: JSON.stringify(json), json, isUsageOnly: true, finishReason: null }];
        const usage = parseUsage(usageJson);
        if (usage) parts.push({ type: 'usage', usage });
        parts.push({ type: 'done', sentinel: true });
        return parts;
      }
      case 'error': {
        const message = `upstream sent an error event: ${event.error.message}`.slice(0, MAX_ERROR_MESSAGE_CHARS);
        return [{ type: 'upstream-error', message, data: JSON.stringify({ error: { message: event.error.message, type: event.error.type, code: null } }) }];
      }
    }
  }

  #start(index: number, block: { type: string; id?: string; name?: string; text?: string; thinking?: string; data?: string }): StreamPart[] {
    switch (block.type) {
      case 'text':
        this.#blocks.set(index, { kind: 'text', index: 0 });
        return block.text ? [this.#chunk({ content: block.text })] : [];
      case 'tool_use': {
        const tool = this.#tools++;
        this.#blocks.set(index, { kind: 'tool', index: tool });
        return [this.#chunk({ tool_calls: [toolCall(block.id, block.name, '', tool)] })];
      }
      case 'thinking': {
        this.#blocks.set(index, { kind: 'thinking', index: this.#reasoning++ });
        return block.thinking ? this.#thinking(index, block.thinking) : [];
      }
      case 'redacted_thinking': {
        const detail = { type: 'reasoning.encrypted', data: block.data ?? '', format: ANTHROPIC_FORMAT, index: this.#reasoning++ };
        this.#blocks.set(index, { kind: 'other', index: 0 });
        return [this.#chunk({ reasoning_details: [detail] })];
      }
      default:
        this.#blocks.set(index, { kind: 'other', index: 0 });
        return [];
    }
  }

  #thinking(index: number, text: string): StreamPart[] {
    const at = this.#blocks.get(index)?.index ?? 0;
    return [this.#chunk({ reasoning_content: text, reasoning_details: [{ type: 'reasoning.text', text, format: ANTHROPIC_FORMAT, index: at }] })];
  }

  #delta(index: number, delta: { type: string; text?: unknown; partial_json?: unknown; thinking?: unknown; signature?: unknown }): StreamPart[] {
    const block = this.#blocks.get(index);
    switch (delta.type) {
      case 'text_delta':
        return typeof delta.text === 'string' && delta.text !== '' ? [this.#chunk({ content: delta.text })] : [];
      case 'input_json_delta':
        if (block?.kind !== 'tool' || typeof delta.partial_json !== 'string' || delta.partial_json === '') return [];
        return [this.#chunk({ tool_calls: [{ index: block.index, function: { arguments: delta.partial_json } }] })];
      case 'thinking_delta':
        return typeof delta.thinking === 'string' && delta.thinking !== '' ? this.#thinking(index, delta.thinking) : [];
      case 'signature_delta': {
        if (typeof delta.signature !== 'string') return [];
        const detail = { type: 'reasoning.text', signature: delta.signature, format: ANTHROPIC_FORMAT, index: block?.index ?? 0 };
        return [this.#chunk({ reasoning_details: [detail] })];
      }
      default:
        return [];
    }
  }
}
