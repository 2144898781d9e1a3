// A small fake Anthropic Messages upstream for tests, on 127.0.0.1 with a random port (node:http):
// POST /v1/messages answers a message or its event stream (message_start, content_block_start /
// delta / stop, message_delta, message_stop, pings), with text or a tool_use block (when the request
// has tools and the last turn is not a tool result), optional thinking, usage with cache reads, and the same knobs as the OpenAI fake
// (FakeBehaviour: delays, holding, resets, error events, forced answers, a required key).
// resetAfterEvents, endAfterEvents and errorEventAfterEvents count the events that carry something a
// client reads (message_start and deltas), not block starts and stops, so the counts mean the same
// number of chunks as on the OpenAI fake. Requests breaking the API's rules (anthropic-rules.ts) get
// the API's 400. Records every request.

import type { ServerResponse } from 'node:http';
import { anthropicRuleViolation } from './anthropic-rules.ts';
import { DEFAULT_BEHAVIOUR, splitInto, type FakeBehaviour, type FakeUpstream, type RecordedRequest } from './fake-upstream.ts';
import { startRecordingServer } from './recording-server.ts';

export interface FakeAnthropicBehaviour extends FakeBehaviour {
  /** Thinking text sent before the answer (with a signature), when set. */
  thinking: string | undefined;
  /** Cache-write tokens reported (cache_creation_input_tokens). */
  cacheWriteTokens: number;
}

const DEFAULTS: FakeAnthropicBehaviour = { ...DEFAULT_BEHAVIOUR, thinking: undefined, cacheWriteTokens: 0 };

export const FAKE_SIGNATURE = 'EqQBCkYIBRgCKkBfakeSignatureForTests==';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function sendJson(res: ServerResponse, status: number, body: unknown, contentType = 'application/json', headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function anthropicError(type: string, message: string): unknown {
  return { type: 'error', error: { type, message } };
}

/** The OpenAI fake's controls, less its holdWhen queue (the conformance suite does not use it). */
export type FakeAnthropicUpstream = Omit<FakeUpstream, 'releaseHeld' | 'heldCount'> & { setBehaviour(b: Partial<FakeAnthropicBehaviour>): void };

export async function startFakeAnthropicUpstream(options: Partial<FakeAnthropicBehaviour> = {}): Promise<FakeAnthropicUpstream> {
  let behaviour: FakeAnthropicBehaviour = { ...DEFAULTS, ...options };
  let release: () => void = () => undefined;
  let held = new Promise<void>((r) => (release = r));
  let sequence = 0;
  const server = await startRecordingServer((record, res, reset) => handle(record, res, behaviour, held, ++sequence, reset));
  return {
    url: `${server.origin}/v1`,
    requests: server.requests,
    setBehaviour(next) {
      release();
      held = new Promise<void>((r) => (release = r));
      behaviour = { ...DEFAULTS, ...options, ...next };
    },
    releaseStream() {
      release();
    },
    async close() {
      release();
      await server.close();
    },
  };
}

function usageOf(b: FakeAnthropicBehaviour): Record<string, number> {
  const { prompt_tokens: prompt, completion_tokens: completion, cached_tokens: cached } = b.usage;
  return { input_tokens: Math.max(0, prompt - cached - b.cacheWriteTokens), output_tokens: completion, cache_read_input_tokens: cached, cache_creation_input_tokens: b.cacheWriteTokens };
}

interface Answer {
  id: string;
  model: string;
  tool: string | undefined;
}

function messageJson(b: FakeAnthropicBehaviour, answer: Answer): Record<string, unknown> {
  const content: unknown[] = [];
  if (b.thinking !== undefined) content.push({ type: 'thinking', thinking: b.thinking, signature: FAKE_SIGNATURE });
  if (answer.tool) content.push({ type: 'tool_use', id: `toolu_fake_${answer.id}`, name: answer.tool, input: JSON.parse(b.toolArguments) as unknown });
  else content.push({ type: 'text', text: b.text });
  return { id: answer.id, type: 'message', role: 'assistant', model: answer.model, content, stop_reason: answer.tool ? 'tool_use' : 'end_turn', stop_sequence: null, usage: usageOf(b) };
}

/** The stream's events; `counted` marks those that carry something a client reads. */
function streamEvents(b: FakeAnthropicBehaviour, answer: Answer): Array<{ event: Record<string, unknown>; counted: boolean }> {
  const out: Array<{ event: Record<string, unknown>; counted: boolean }> = [];
  const push = (event: Record<string, unknown>, counted = true): void => void out.push({ event, counted });
  const usage = usageOf(b);
  push({ type: 'message_start', message: { id: answer.id, type: 'message', role: 'assistant', model: answer.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } });
  let index = 0;
  if (b.thinking !== undefined) {
    push({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }, false);
    push({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: b.thinking } });
    push({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: FAKE_SIGNATURE } });
    push({ type: 'content_block_stop', index }, false);
    index++;
  }
  if (answer.tool) {
    push({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: `toolu_fake_${answer.id}`, name: answer.tool, input: {} } }, false);
    for (const piece of splitInto(b.toolArguments, b.chunks)) push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } });
  } else {
    push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }, false);
    for (const piece of splitInto(b.text, b.chunks)) push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } });
  }
  push({ type: 'content_block_stop', index }, false);
  push({ type: 'message_delta', delta: { stop_reason: answer.tool ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: usage['output_tokens'] } });
  push({ type: 'message_stop' });
  return out;
}

async function handle(record: RecordedRequest, res: ServerResponse, b: FakeAnthropicBehaviour, held: Promise<void>, sequence: number, reset: () => void): Promise<void> {
  const path = record.path.split('?')[0];
  if (b.requireApiKey !== undefined && record.headers['x-api-key'] !== b.requireApiKey) {
    return sendJson(res, 401, anthropicError('authentication_error', 'invalid x-api-key'));
  }
  if (record.method !== 'POST' || path !== '/v1/messages') return sendJson(res, 404, anthropicError('not_found_error', `No route ${record.method} ${path}`));
  const request = record.body as { model?: unknown; stream?: unknown; tools?: Array<{ name?: string }>; messages?: unknown; max_tokens?: unknown } | undefined;
  if (!request || typeof request !== 'object' || !Array.isArray(request.messages) || typeof request.max_tokens !== 'number') {
    return sendJson(res, 400, anthropicError('invalid_request_error', 'messages and max_tokens are required'));
  }
  const violation = anthropicRuleViolation(request);
  if (violation !== null) return sendJson(res, 400, anthropicError('invalid_request_error', violation));
  if (b.headersDelayMs > 0) await sleep(b.headersDelayMs);
  if (res.destroyed) return;
  const forced = b.respondWith;
  if (forced && (forced.model === undefined || forced.model === request.model)) return sendJson(res, forced.status, forced.body, forced.contentType, b.responseHeaders);
  const tools = Array.isArray(request.tools) ? request.tools : [];
  // Like a model in a tool loop: it calls the first tool, and answers in text once a tool result came back.
  const last = (request.messages as Array<{ content?: unknown }>).at(-1)?.content;
  const afterToolResult = Array.isArray(last) && last.some((block: { type?: unknown }) => block.type === 'tool_result');
  const tool = tools.length > 0 && !afterToolResult ? (tools[0]?.name ?? 'tool') : undefined;
  const answer: Answer = { id: `msg_fake_${sequence}`, model: String(request.model), tool };
  if (request.stream !== true) return sendJson(res, 200, messageJson(b, answer), 'application/json', b.responseHeaders);

  res.writeHead(200, { ...b.responseHeaders, 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const eol = b.lineEnding;
  const write = (event: Record<string, unknown>): boolean => res.write(`${b.keepAliveComments ? `: keep-alive${eol}${eol}` : ''}event: ${String(event['type'])}${eol}data: ${JSON.stringify(event)}${eol}${eol}`);
  if (b.failBeforeFirstEvent !== undefined) {
    res.flushHeaders();
    switch (b.failBeforeFirstEvent) {
      case 'reset':
        await sleep(20);
        return reset();
      case 'stall':
        await held;
        return void res.end();
      case 'error-event':
        write({ type: 'error', error: { type: 'overloaded_error', message: 'fake upstream overloaded' } });
        return void res.end();
      case 'malformed':
        return void res.end(`event: message_start${eol}data: {"type": "message_start", ${eol}${eol}`);
    }
  }
  let counted = 0;
  for (const [index, { event, counted: counts }] of streamEvents(b, answer).entries()) {
    if (res.destroyed) return;
    if (index > 0 && b.chunkDelayMs > 0) await sleep(b.chunkDelayMs);
    if (counted === 2 && counts && b.holdStream) await held;
    if (res.destroyed) return;
    write(event);
    if (index === 0) write({ type: 'ping' });
    if (!counts) continue;
    counted++;
    if (b.resetAfterEvents !== undefined && counted >= b.resetAfterEvents) {
      await sleep(20);
      return reset();
    }
    if (b.endAfterEvents !== undefined && counted >= b.endAfterEvents) return void res.end();
    if (b.errorEventAfterEvents !== undefined && counted >= b.errorEventAfterEvents) {
      write({ type: 'error', error: { type: 'overloaded_error', message: b.errorEventMessage } });
      return void res.end();
    }
  }
  res.end();
}
