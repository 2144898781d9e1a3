// Fits the reasoning in a conversation's history to the family of the model about to read it, so
// the request stays valid for that model's API when consecutive turns go to different families:
//   - Anthropic thinking / redacted_thinking (signed reasoning_details) goes only to Anthropic models;
//   - reasoning written by an unsigned family (plain reasoning_content / reasoning, or a thinking block
//     whose signature the gateway made up for it) goes back only to that family, as reasoning_content;
//   - OpenAI encrypted reasoning cannot be sent through Chat Completions and is removed;
//   - Anthropic requires the last assistant tool-use turn to start with its thinking when thinking is
//     on: when that turn has none left, thinking is turned off for this call.
// For a request that came in through the Anthropic entry point, fields only Anthropic reads
// (cache_control, is_error) are removed for other families. Returns notes for the decision row.

import type { ChatMessage, ChatRequest, ContentPart } from './chat.ts';
import { ANTHROPIC_BLOCK_PART, type ChatExtensions } from './anthropic/extras.ts';
import { reasoningDetails, REASONING_FORMAT_OF_FAMILY, type ModelFamily, type ReasoningDetail } from './reasoning.ts';

export interface FittedRequest {
  request: ChatRequest;
  extensions: ChatExtensions | undefined;
  /** What was removed or converted, for the log row and x-triage-warnings (empty: nothing). */
  notes: string[];
}

const ANTHROPIC = REASONING_FORMAT_OF_FAMILY.anthropic;

/** The family a reasoning_details entry can go back to (null: none through Chat Completions). */
function readerOf(detail: ReasoningDetail): ModelFamily | null {
  if (detail.format === ANTHROPIC || detail.format === undefined) {
    return detail.type === 'reasoning.encrypted' || (detail.type === 'reasoning.text' && detail.signature) ? 'anthropic' : null;
  }
  if (detail.format === REASONING_FORMAT_OF_FAMILY.other) return 'other';
  return null;
}

interface Counts {
  anthropicRemoved: number;
  otherRemoved: number;
  encryptedRemoved: number;
  converted: number;
}

function fitMessage(message: ChatMessage, family: ModelFamily, counts: Counts): ChatMessage {
  if (message.role !== 'assistant') return message;
  const details = reasoningDetails(message['reasoning_details']);
  const plain = typeof message['reasoning_content'] === 'string' ? message['reasoning_content'] : typeof message['reasoning'] === 'string' ? message['reasoning'] : '';
  if (details.length === 0 && plain === '' && !('reasoning_content' in message) && !('reasoning' in message)) return message;
  const { reasoning_details: _details, reasoning_content: _content, reasoning: _reasoning, ...rest } = message;
  const out: ChatMessage = rest;
  const kept: ReasoningDetail[] = [];
  const texts: string[] = plain === '' ? [] : [plain];
  for (const detail of details) {
    const reader = readerOf(detail);
    if (reader === family && family === 'anthropic') kept.push(detail);
    else if (reader === 'other' && family === 'other' && detail.type === 'reasoning.text') {
      if (detail.text) texts.push(detail.text);
      counts.converted += 1;
    } else if (reader === 'anthropic') counts.anthropicRemoved += 1;
    else if (reader === 'other' && detail.type === 'reasoning.text') counts.otherRemoved += 1;
    else counts.encryptedRemoved += 1;
  }
  if (kept.length > 0) out['reasoning_details'] = kept;
  if (texts.length > 0 && family === 'other') out['reasoning_content'] = texts.join('\n');
  else if (plain !== '') counts.otherRemoved += 1;
  return out;
}

/** Anthropic-only fields gone from parts, tool messages and tools, and Anthropic-only blocks (counted) gone from content. */
function withoutAnthropicFields(request: ChatRequest, removed: { blocks: number }): ChatRequest {
  const part = (p: ContentPart): ContentPart => {
    if (!('cache_control' in p)) return p;
    const { cache_control: _cache, ...rest } = p;
    return { ...rest, type: p.type };
  };
  const messages = request.messages.map((message) => {
    const { cache_control: _cache, is_error: _error, ...rest } = message;
    const out: ChatMessage = rest;
    if (Array.isArray(out.content)) {
      const kept = out.content.filter((p) => p.type !== ANTHROPIC_BLOCK_PART);
      removed.blocks += out.content.length - kept.length;
      out.content = kept.map(part);
    }
    return out;
  });
  const tools = request.tools?.map((tool) => {
    if (typeof tool !== 'object' || tool === null || !('cache_control' in tool)) return tool;
    const { cache_control: _cache, ...rest } = tool;
    return rest;
  });
  return { ...request, messages, ...(tools ? { tools } : {}) };
}

function thinkingRequested(request: ChatRequest, extensions: ChatExtensions | undefined): boolean {
  if (extensions?.anthropic?.thinking) return extensions.anthropic.thinking.type === 'enabled';
  const effort = request['reasoning_effort'];
  return typeof effort === 'string' && effort !== 'none';
}

/** Whether the last assistant turn calls tools without a thinking block Anthropic can verify. */
function toolTurnWithoutThinking(messages: readonly ChatMessage[]): boolean {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role !== 'assistant') continue;
    if (!Array.isArray(message.tool_calls) || message.tool_calls.length === 0) return false;
    return !reasoningDetails(message['reasoning_details']).some((detail) => readerOf(detail) === 'anthropic');
  }
  return false;
}

export function fitReasoning(request: ChatRequest, extensions: ChatExtensions | undefined, family: ModelFamily): FittedRequest {
  const counts: Counts = { anthropicRemoved: 0, otherRemoved: 0, encryptedRemoved: 0, converted: 0 };
  let fitted: ChatRequest = { ...request, messages: request.messages.map((message) => fitMessage(message, family, counts)) };
  let fittedExtensions = extensions;
  const notes: string[] = [];
  if (counts.anthropicRemoved > 0) notes.push(`removed ${counts.anthropicRemoved} Anthropic thinking block(s) a ${family} model cannot read`);
  if (counts.otherRemoved > 0) notes.push(`removed ${counts.otherRemoved} unsigned reasoning trace(s) a ${family} model cannot read`);
  if (counts.encryptedRemoved > 0) notes.push(`removed ${counts.encryptedRemoved} encrypted reasoning item(s) a ${family} model cannot read`);
  if (counts.converted > 0) notes.push(`converted ${counts.converted} thinking block(s) back to reasoning_content`);
  if (family === 'anthropic' && thinkingRequested(fitted, extensions) && toolTurnWithoutThinking(fitted.messages)) {
    // Anthropic refuses thinking when the tool-use turn it continues does not start with its own thinking.
    const { reasoning_effort: _effort, ...rest } = fitted;
    fitted = { ...rest, model: fitted.model, messages: fitted.messages };
    const anthropic = extensions?.anthropic;
    if (anthropic) {
      const { thinking: _thinking, ...others } = anthropic;
      fittedExtensions = { ...extensions, anthropic: others };
    }
    notes.push('thinking turned off for this call: the tool-use turn it continues carries no Anthropic thinking block');
  }
  if (family !== 'anthropic' && extensions?.anthropic) {
    const removed = { blocks: 0 };
    fitted = withoutAnthropicFields(fitted, removed);
    if (removed.blocks > 0) notes.push(`removed ${removed.blocks} content block(s) only Anthropic models read (documents, server tool blocks)`);
  }
  return { request: fitted, extensions: fittedExtensions, notes };
}
