// Anthropic Messages request -> the chat-shaped (OpenAI) request the gateway routes and logs, plus
// the extras only an Anthropic upstream understands. Nothing is lost that an Anthropic upstream
// needs back: cache_control stays on parts and tools, thinking blocks travel as signed
// reasoning_details, a tool error keeps is_error. `thinking` becomes `reasoning_effort`, so routing
// sees that thinking was asked for; `metadata.user_id` becomes `user` (the user tag).

import type { ChatMessage, ChatRequest, ContentPart } from '../chat.ts';
import { effortOfBudget, familyOfSignature, REASONING_FORMAT_OF_FAMILY, type ReasoningDetail } from '../reasoning.ts';
import type { AnthropicExtras } from './extras.ts';
import { KnownBlockSchema, type ContentBlock, type ImageBlock, type MessageParam, type MessagesRequest, type TextBlock, type Tool, type ToolChoice } from './messages.ts';
import { anthropicBlockPart } from './extras.ts';

const ANTHROPIC_FORMAT = REASONING_FORMAT_OF_FAMILY.anthropic;

/** Fields of the Anthropic body translated here; every other one goes to AnthropicExtras.fields. */
const TRANSLATED = new Set(['model', 'messages', 'system', 'max_tokens', 'stop_sequences', 'stream', 'temperature', 'top_p', 'top_k', 'tools', 'tool_choice', 'thinking', 'metadata']);

export interface TranslatedRequest {
  request: ChatRequest;
  extras: AnthropicExtras;
}

function withCacheControl<T extends Record<string, unknown>>(part: T, block: { cache_control?: unknown }): T {
  return block.cache_control ? { ...part, cache_control: block.cache_control } : part;
}

export function imagePart(block: ImageBlock): ContentPart {
  const { source } = block;
  const url = source.type === 'base64' ? `data:${String(source.media_type)};base64,${String(source.data)}` : String(source.url);
  return withCacheControl({ type: 'image_url', image_url: { url } }, block);
}

function textPart(block: TextBlock): ContentPart {
  return withCacheControl({ type: 'text', text: block.text }, block);
}

/** One uncached text part as a plain string, anything else as parts (so each block comes back as it was). */
function content(parts: ContentPart[]): string | ContentPart[] {
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only && only.type === 'text' && !('cache_control' in only) && typeof only['text'] === 'string') return only['text'];
  return parts;
}

function toolResultMessages(block: Extract<ContentBlock, { type: 'tool_result' }>): ChatMessage[] {
  const blocks = typeof block.content === 'string' ? [] : (block.content ?? []);
  const texts = blocks.filter((b): b is TextBlock => b.type === 'text').map(textPart);
  const images = blocks.filter((b): b is ImageBlock => b.type === 'image');
  // A string result stays a string, a list of blocks a list of text parts (tool messages hold text only).
  const tool: ChatMessage = { role: 'tool', tool_call_id: block.tool_use_id, content: typeof block.content === 'string' ? block.content : texts };
  if (block.is_error === true) tool['is_error'] = true;
  if (block.cache_control) tool['cache_control'] = block.cache_control;
  // Chat tool messages hold text only: images a tool returned follow as a user message.
  return images.length > 0 ? [tool, { role: 'user', content: images.map(imagePart) }] : [tool];
}

function userMessages(message: MessageParam): ChatMessage[] {
  if (typeof message.content === 'string') return [{ role: 'user', content: message.content }];
  const out: ChatMessage[] = [];
  let parts: ContentPart[] = [];
  const flush = (): void => {
    if (parts.length > 0) out.push({ role: 'user', content: content(parts) });
    parts = [];
  };
  for (const raw of message.content) {
    const known = KnownBlockSchema.safeParse(raw);
    if (!known.success) {
      parts.push(anthropicBlockPart(raw));
      continue;
    }
    const block = known.data;
    if (block.type === 'tool_result') {
      flush();
      out.push(...toolResultMessages(block));
    } else if (block.type === 'text') parts.push(textPart(block));
    else if (block.type === 'image') parts.push(imagePart(block));
    // tool_use and thinking blocks cannot appear in a user turn; Anthropic would refuse them too.
  }
  flush();
  return out;
}

function assistantMessage(message: MessageParam): ChatMessage {
  if (typeof message.content === 'string') return { role: 'assistant', content: message.content };
  const parts: ContentPart[] = [];
  const toolCalls: unknown[] = [];
  const reasoning: ReasoningDetail[] = [];
  for (const raw of message.content) {
    const known = KnownBlockSchema.safeParse(raw);
    if (!known.success) {
      parts.push(anthropicBlockPart(raw));
      continue;
    }
    const block = known.data;
    if (block.type === 'text') parts.push(textPart(block));
    else if (block.type === 'tool_use') {
      toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input) } });
    } else if (block.type === 'thinking') {
      // A signature the gateway made up marks reasoning another family wrote: it goes back unsigned, in that family's format.
      const family = familyOfSignature(block.signature);
      if (family === null || family === 'anthropic') {
        reasoning.push({ type: 'reasoning.text', text: block.thinking, signature: block.signature, format: ANTHROPIC_FORMAT, index: reasoning.length });
      } else reasoning.push({ type: 'reasoning.text', text: block.thinking, format: REASONING_FORMAT_OF_FAMILY[family], index: reasoning.length });
    } else if (block.type === 'redacted_thinking') {
      reasoning.push({ type: 'reasoning.encrypted', data: block.data, format: ANTHROPIC_FORMAT, index: reasoning.length });
    }
  }
  const out: ChatMessage = { role: 'assistant', content: parts.length > 0 ? content(parts) : null };
  if (toolCalls.length > 0) out.tool_calls = toolCalls;
  if (reasoning.length > 0) out['reasoning_details'] = reasoning;
  return out;
}

function systemMessage(system: MessagesRequest['system']): ChatMessage[] {
  if (system === undefined) return [];
  if (typeof system === 'string') return system === '' ? [] : [{ role: 'system', content: system }];
  return system.length === 0 ? [] : [{ role: 'system', content: content(system.map(textPart)) }];
}

function chatTool(tool: Tool): Record<string, unknown> {
  const fn: Record<string, unknown> = { name: tool.name, parameters: tool.input_schema ?? { type: 'object', properties: {} } };
  if (tool.description !== undefined) fn['description'] = tool.description;
  return withCacheControl({ type: 'function', function: fn }, tool);
}

function chatToolChoice(choice: ToolChoice): unknown {
  switch (choice.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return { type: 'function', function: { name: choice.name } };
  }
}

/** Translates a validated Anthropic request; `warnings` collects what could not be carried. */
export function anthropicToChat(body: MessagesRequest, warnings: string[]): TranslatedRequest {
  const messages: ChatMessage[] = [...systemMessage(body.system)];
  for (const message of body.messages) {
    if (message.role === 'user') messages.push(...userMessages(message));
    else messages.push(assistantMessage(message));
  }
  const request: ChatRequest = { model: body.model, messages, max_completion_tokens: body.max_tokens };
  if (body.stream === true) request.stream = true;
  if (body.temperature !== undefined) request['temperature'] = body.temperature;
  if (body.top_p !== undefined) request['top_p'] = body.top_p;
  if (body.stop_sequences !== undefined && body.stop_sequences.length > 0) request['stop'] = body.stop_sequences;
  const customTools = (body.tools ?? []).filter((tool) => {
    if (tool.input_schema !== undefined || tool.type === undefined || tool.type === 'custom') return true;
    warnings.push(`server tool "${tool.name}" (${tool.type}) is only available on Anthropic models`);
    return false;
  });
  if (body.tools !== undefined) request.tools = customTools.map(chatTool);
  if (body.tool_choice !== undefined) {
    request['tool_choice'] = chatToolChoice(body.tool_choice);
    if ('disable_parallel_tool_use' in body.tool_choice && body.tool_choice.disable_parallel_tool_use === true) request['parallel_tool_calls'] = false;
  }
  if (body.thinking?.type === 'enabled') request['reasoning_effort'] = effortOfBudget(body.thinking.budget_tokens);
  const userId = body.metadata?.user_id;
  if (typeof userId === 'string' && userId !== '') request.user = userId;

  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (!TRANSLATED.has(key)) fields[key] = value;
  const extras: AnthropicExtras = { fields };
  if (body.thinking !== undefined) extras.thinking = body.thinking;
  if (body.top_k !== undefined) extras.top_k = body.top_k;
  return { request, extras };
}
