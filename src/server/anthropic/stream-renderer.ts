// Renders the relayed chat-shaped stream as Anthropic Messages events: message_start and a ping
// before the first content, then one content block at a time (thinking with its signature,
// redacted_thinking, text, tool_use with input_json_delta), content_block_stop when the next block
// starts, and message_delta (stop reason, usage) plus message_stop at the end. Errors are
// `event: error` with Anthropic's error body. Reasoning an unsigned family wrote gets a signature
// naming that family, so the cross-family pass can recognise it when the client sends it back.

import type { Usage } from '../../protocol/chat.ts';
import { anthropicErrorBody, anthropicUsage, stopReason, unsignedSignature } from '../../protocol/anthropic/from-chat.ts';
import { reasoningDetails, REASONING_FORMAT_OF_FAMILY, type ModelFamily } from '../../protocol/reasoning.ts';
import type { StreamRenderer } from '../stream-relay.ts';
import { asRecord } from '../../protocol/json.ts';

type Open =
  | { kind: 'text' }
  | { kind: 'thinking'; reasoning: number; signed: boolean }
  | { kind: 'tool'; tool: number }
  | null;

function event(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}


export function anthropicRenderer(options: { messageId: string; model: string; family: ModelFamily }): StreamRenderer {
  let started = false;
  let index = -1;
  let open: Open = null;
  let stop: string | null = null;
  let stopSequence: string | null = null;

  const start = (): string => {
    if (started) return '';
    started = true;
    const message = { id: options.messageId, type: 'message', role: 'assistant', model: options.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } };
    return event('message_start', { message }) + event('ping', {});
  };
  const close = (): string => {
    if (open === null) return '';
    let text = '';
    if (open.kind === 'thinking' && !open.signed) text += event('content_block_delta', { index, delta: { type: 'signature_delta', signature: unsignedSignature(options.family) } });
    open = null;
    return text + event('content_block_stop', { index });
  };
  const begin = (next: Exclude<Open, null>, block: Record<string, unknown>): string => {
    const text = close();
    index += 1;
    open = next;
    return text + event('content_block_start', { index, content_block: block });
  };
  const delta = (body: Record<string, unknown>): string => event('content_block_delta', { index, delta: body });

  const thinking = (reasoning: number, text: string | undefined, signature: string | null | undefined): string => {
    let out = '';
    if (open?.kind !== 'thinking' || open.reasoning !== reasoning) out += begin({ kind: 'thinking', reasoning, signed: false }, { type: 'thinking', thinking: '', signature: '' });
    if (text) out += delta({ type: 'thinking_delta', thinking: text });
    if (signature && open?.kind === 'thinking') {
      open.signed = true;
      out += delta({ type: 'signature_delta', signature });
    }
    return out;
  };

  const reasoning = (value: Record<string, unknown>): string => {
    const details = reasoningDetails(value['reasoning_details']);
    const anthropic = REASONING_FORMAT_OF_FAMILY.anthropic;
    if (details.length > 0) {
      let out = '';
      for (const detail of details) {
        const at = detail.index ?? 0;
        if (detail.type === 'reasoning.text' && (detail.format === undefined || detail.format === anthropic)) out += thinking(at, detail.text, detail.signature);
        else if (detail.type === 'reasoning.text') out += thinking(at, detail.text, null);
        else if (detail.type === 'reasoning.encrypted' && detail.format === anthropic) {
          out += begin({ kind: 'text' }, { type: 'redacted_thinking', data: detail.data });
          out += close();
        }
      }
      return out;
    }
    const text = typeof value['reasoning_content'] === 'string' ? value['reasoning_content'] : typeof value['reasoning'] === 'string' ? value['reasoning'] : '';
    return text === '' ? '' : thinking(open?.kind === 'thinking' ? open.reasoning : 0, text, null);
  };

  const toolCalls = (calls: unknown): string => {
    if (!Array.isArray(calls)) return '';
    let out = '';
    for (const raw of calls) {
      const call = asRecord(raw);
      if (!call) continue;
      const tool = typeof call['index'] === 'number' ? call['index'] : 0;
      const fn = asRecord(call['function']) ?? {};
      if (open?.kind !== 'tool' || open.tool !== tool) {
        const id = typeof call['id'] === 'string' ? call['id'] : `toolu_${options.messageId}_${tool}`;
        out += begin({ kind: 'tool', tool }, { type: 'tool_use', id, name: typeof fn['name'] === 'string' ? fn['name'] : '', input: {} });
      }
      if (typeof fn['arguments'] === 'string' && fn['arguments'] !== '') out += delta({ type: 'input_json_delta', partial_json: fn['arguments'] });
    }
    return out;
  };

  return {
    chunk(part) {
      let out = start();
      const choices = part.json['choices'];
      const choice = Array.isArray(choices) ? asRecord(choices[0]) : null;
      if (!choice) return out;
      const value = asRecord(choice['delta']) ?? {};
      out += reasoning(value);
      if (typeof value['content'] === 'string' && value['content'] !== '') {
        if (open?.kind !== 'text') out += begin({ kind: 'text' }, { type: 'text', text: '' });
        out += delta({ type: 'text_delta', text: value['content'] });
      }
      out += toolCalls(value['tool_calls']);
      if (choice['finish_reason'] !== null && choice['finish_reason'] !== undefined) {
        stop = stopReason(choice);
        stopSequence = typeof choice['stop_sequence'] === 'string' ? choice['stop_sequence'] : null;
      }
      return out;
    },
    upstreamError(part) {
      const body: unknown = (() => {
        try {
          return JSON.parse(part.data) as unknown;
        } catch {
          return { error: { message: part.message } };
        }
      })();
      return start() + event('error', { error: anthropicErrorBody(502, body).error });
    },
    error(message, type) {
      return start() + event('error', { error: { type: type === 'timeout_error' ? 'timeout_error' : 'api_error', message } });
    },
    end(usage: Usage | undefined) {
      return start() + close() + event('message_delta', { delta: { stop_reason: stop ?? 'end_turn', stop_sequence: stopSequence }, usage: anthropicUsage(usage) }) + event('message_stop', {});
    },
  };
}
