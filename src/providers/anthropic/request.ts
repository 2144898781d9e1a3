// Chat-shaped (OpenAI) request -> Anthropic Messages body: system and developer messages become
// `system`, tool messages become tool_result blocks in a user turn, tool calls become tool_use
// blocks, data-URL and web images become image blocks, signed reasoning_details become thinking
// blocks again, and OpenAI's sampling, stop, tool and thinking fields are mapped. Anything
// Anthropic cannot take is dropped and named in the warnings (the adapter's warnings channel).

import type { ChatMessage, ChatRequest } from '../../protocol/chat.ts';
import { ANTHROPIC_BLOCK_PART, type AnthropicExtras } from '../../protocol/anthropic/extras.ts';
import { reasoningDetails, REASONING_FORMAT_OF_FAMILY, THINKING_BUDGET_OF_EFFORT } from '../../protocol/reasoning.ts';
import { asRecord } from '../../protocol/json.ts';

type Block = Record<string, unknown>;
interface AnthropicTurn {
  role: 'user' | 'assistant';
  content: Block[];
}

/** max_tokens sent when the client gave none (Anthropic requires one), plus the thinking budget when reasoning is asked for. */
export const DEFAULT_MAX_TOKENS = 4096;
/** The smallest thinking budget Anthropic accepts. */
const MIN_THINKING_BUDGET = 1024;
const ANTHROPIC_FORMAT = REASONING_FORMAT_OF_FAMILY.anthropic;


function withCache(block: Block, source: Record<string, unknown>): Block {
  return source['cache_control'] ? { ...block, cache_control: source['cache_control'] } : block;
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

function imageBlock(part: Record<string, unknown>, warnings: Set<string>): Block | null {
  const image = asRecord(part['image_url']);
  const url = typeof image?.['url'] === 'string' ? image['url'] : typeof part['image_url'] === 'string' ? part['image_url'] : null;
  if (url === null) {
    warnings.add('an image part without a url was dropped');
    return null;
  }
  const data = DATA_URL.exec(url);
  const source = data ? { type: 'base64', media_type: data[1], data: data[2] } : { type: 'url', url };
  return withCache({ type: 'image', source }, part);
}

/** Content blocks of a message's content (string or parts). */
function blocksOf(content: unknown, warnings: Set<string>): Block[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return [];
  const blocks: Block[] = [];
  for (const raw of content) {
    const part = asRecord(raw);
    if (!part) continue;
    if (part['type'] === 'text' && typeof part['text'] === 'string') blocks.push(withCache({ type: 'text', text: part['text'] }, part));
    else if (part['type'] === ANTHROPIC_BLOCK_PART && asRecord(part['block'])) blocks.push(asRecord(part['block']) ?? {});
    else if (part['type'] === 'image_url') {
      const image = imageBlock(part, warnings);
      if (image) blocks.push(image);
    } else warnings.add(`content part type "${String(part['type'])}" is not supported by Anthropic and was dropped`);
  }
  return blocks;
}

function toolInput(args: unknown, warnings: Set<string>): Record<string, unknown> {
  if (typeof args !== 'string' || args.trim() === '') return {};
  try {
    const parsed = asRecord(JSON.parse(args));
    if (parsed) return parsed;
  } catch {
    // reported below
  }
  warnings.add('tool call arguments that are not a JSON object were sent as {}');
  return {};
}

function assistantBlocks(message: ChatMessage, warnings: Set<string>): Block[] {
  const blocks: Block[] = [];
  for (const detail of reasoningDetails(message['reasoning_details'])) {
    // Only Anthropic's own signed thinking can go back to Anthropic (the cross-family pass removed the rest).
    if (detail.format !== undefined && detail.format !== ANTHROPIC_FORMAT) continue;
    if (detail.type === 'reasoning.text' && detail.signature) blocks.push({ type: 'thinking', thinking: detail.text ?? '', signature: detail.signature });
    else if (detail.type === 'reasoning.encrypted') blocks.push({ type: 'redacted_thinking', data: detail.data });
  }
  blocks.push(...blocksOf(message.content, warnings));
  for (const raw of message.tool_calls ?? []) {
    const call = asRecord(raw);
    const fn = asRecord(call?.['function']);
    if (!call || !fn || typeof fn['name'] !== 'string') continue;
    blocks.push({ type: 'tool_use', id: typeof call['id'] === 'string' ? call['id'] : `toolu_${blocks.length}`, name: fn['name'], input: toolInput(fn['arguments'], warnings) });
  }
  return blocks;
}

function toolResultBlock(message: ChatMessage, warnings: Set<string>): Block {
  const content = typeof message.content === 'string' ? message.content : blocksOf(message.content, warnings);
  const block: Block = { type: 'tool_result', tool_use_id: message.tool_call_id ?? '', content };
  if (message['is_error'] === true) block['is_error'] = true;
  return withCache(block, message);
}

/** Adds blocks to the conversation, merging consecutive turns of the same role (Anthropic alternates). */
function push(turns: AnthropicTurn[], role: 'user' | 'assistant', blocks: Block[]): void {
  if (blocks.length === 0) return;
  const last = turns.at(-1);
  if (last && last.role === role) last.content.push(...blocks);
  else turns.push({ role, content: blocks });
}

export interface MappedMessages {
  system: Block[];
  messages: AnthropicTurn[];
}

export function mapMessages(messages: readonly ChatMessage[], warnings: Set<string>): MappedMessages {
  const system: Block[] = [];
  const turns: AnthropicTurn[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...blocksOf(message.content, warnings));
        break;
      case 'user':
        push(turns, 'user', blocksOf(message.content, warnings));
        break;
      case 'assistant':
        push(turns, 'assistant', assistantBlocks(message, warnings));
        break;
      case 'tool':
        push(turns, 'user', [toolResultBlock(message, warnings)]);
        break;
      case 'function':
        warnings.add('legacy function messages are not supported by Anthropic and were dropped');
        break;
    }
  }
  return { system, messages: turns };
}

function mapTools(tools: readonly unknown[], warnings: Set<string>): Block[] {
  const out: Block[] = [];
  for (const raw of tools) {
    const tool = asRecord(raw);
    const fn = asRecord(tool?.['function']);
    if (!tool || tool['type'] !== 'function' || !fn || typeof fn['name'] !== 'string') {
      warnings.add(`a tool of type "${String(tool?.['type'])}" is not supported by Anthropic and was dropped`);
      continue;
    }
    const mapped: Block = { name: fn['name'], input_schema: asRecord(fn['parameters']) ?? { type: 'object', properties: {} } };
    if (typeof fn['description'] === 'string') mapped['description'] = fn['description'];
    out.push(withCache(mapped, tool));
  }
  return out;
}

function mapToolChoice(choice: unknown, parallel: unknown): Block | undefined {
  const disable = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === 'auto') return { type: 'auto', ...disable };
  if (choice === 'required') return { type: 'any', ...disable };
  if (choice === 'none') return { type: 'none' };
  const name = asRecord(asRecord(choice)?.['function'])?.['name'];
  if (typeof name === 'string') return { type: 'tool', name, ...disable };
  return parallel === false ? { type: 'auto', ...disable } : undefined;
}

/** Chat fields that are mapped below, or carry nothing for Anthropic (dropped without a warning). */
const HANDLED = new Set([
  'model', 'messages', 'stream', 'stream_options', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'stop', 'tools',
  'tool_choice', 'parallel_tool_calls', 'reasoning_effort', 'user', 'metadata', 'n',
]);

function thinkingOf(request: ChatRequest, extras: AnthropicExtras | undefined, maxTokens: number, warnings: Set<string>): Block | undefined {
  if (extras?.thinking) return extras.thinking;
  const effort = request['reasoning_effort'];
  if (typeof effort !== 'string' || effort === 'none') return undefined;
  const wanted = effort === 'minimal' || effort === 'low' || effort === 'medium' || effort === 'high' ? THINKING_BUDGET_OF_EFFORT[effort] : THINKING_BUDGET_OF_EFFORT.medium;
  // The budget must stay below max_tokens.
  const budget = Math.min(wanted, maxTokens - 1);
  if (budget < MIN_THINKING_BUDGET) {
    warnings.add(`reasoning_effort was dropped: max_tokens ${maxTokens} leaves no room for Anthropic's smallest thinking budget (${MIN_THINKING_BUDGET})`);
    return undefined;
  }
  return { type: 'enabled', budget_tokens: budget };
}

/** The Anthropic Messages body for a chat request; what had to be dropped is added to `warnings`. */
export function anthropicBody(request: ChatRequest, modelId: string, extras: AnthropicExtras | undefined, warnings: Set<string>): Record<string, unknown> {
  const { system, messages } = mapMessages(request.messages, warnings);
  const requested = request['max_completion_tokens'] ?? request['max_tokens'];
  const given = typeof requested === 'number' && Number.isInteger(requested) && requested > 0 ? requested : undefined;
  // Without a client limit, thinking gets its whole budget on top of the default answer length.
  const effort = request['reasoning_effort'];
  const effortBudget = effort === 'minimal' || effort === 'low' || effort === 'medium' || effort === 'high' ? THINKING_BUDGET_OF_EFFORT[effort] : 0;
  const maxTokens = given ?? DEFAULT_MAX_TOKENS + (extras?.thinking === undefined ? effortBudget : 0);
  const body: Record<string, unknown> = { ...(extras?.fields ?? {}), model: modelId, max_tokens: maxTokens, messages };
  if (system.length > 0) body['system'] = system;
  if (request.stream === true) body['stream'] = true;
  const thinking = thinkingOf(request, extras, maxTokens, warnings);
  if (thinking) body['thinking'] = thinking;
  const thinkingOn = thinking?.['type'] === 'enabled';

  const temperature = request['temperature'];
  if (typeof temperature === 'number' && !thinkingOn) {
    if (temperature > 1) warnings.add(`temperature ${temperature} was lowered to 1 (Anthropic's range is 0-1)`);
    body['temperature'] = Math.min(1, Math.max(0, temperature));
  } else if (typeof temperature === 'number') warnings.add('temperature was dropped: Anthropic does not allow it with thinking');
  if (typeof request['top_p'] === 'number') body['top_p'] = request['top_p'];
  if (extras?.top_k !== undefined && !thinkingOn) body['top_k'] = extras.top_k;
  const stop = request['stop'];
  if (typeof stop === 'string') body['stop_sequences'] = [stop];
  else if (Array.isArray(stop) && stop.length > 0) body['stop_sequences'] = stop.filter((s) => typeof s === 'string');
  if (Array.isArray(request.tools) && request.tools.length > 0) body['tools'] = mapTools(request.tools, warnings);
  const choice = mapToolChoice(request['tool_choice'], request['parallel_tool_calls']);
  if (choice && Array.isArray(body['tools'])) body['tool_choice'] = choice;
  if (typeof request.user === 'string' && request.user !== '') body['metadata'] = { ...(asRecord(body['metadata']) ?? {}), user_id: request.user };
  if (typeof request['n'] === 'number' && request['n'] > 1) warnings.add('n > 1 is not supported by Anthropic; one answer was asked for');

  for (const key of Object.keys(request)) {
    if (!HANDLED.has(key) && request[key] !== undefined && request[key] !== null) warnings.add(`parameter "${key}" is not supported by Anthropic and was dropped`);
  }
  return body;
}
