// A small fake OpenAI-compatible upstream for tests, on 127.0.0.1 with a random port (node:http).
// POST /v1/chat/completions (JSON or SSE, text or tool calls, usage with cached tokens, errors,
// delays, holding a stream open, resetting mid-stream) and GET /v1/models. Also POST /v1/embeddings,
// /v1/completions and /v1/responses (JSON and SSE, with the same usage, error and stream-fault knobs).
// Records every request. For the learning loop it can answer per request (answerFor: e.g. play
// strong, weak and judge from one server, see fake-judge.ts) and hold chosen requests (holdWhen)
// until releaseHeld().
//
//   const upstream = await startFakeUpstream({ text: 'Hi there', chunks: 3 });
//   ... point a client / adapter at upstream.url ...
//   upstream.requests[0].body.model; await upstream.requests[0].outcome; await upstream.close();

import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { startRecordingServer } from './recording-server.ts';

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
}

export interface FakeBehaviour {
  /** Assistant text; when streamed it is split into `chunks` content chunks. */
  text: string;
  chunks: number;
  /** Delay before each streamed event after the first. */
  chunkDelayMs: number;
  /** Delay before the response headers are written (to trigger timeouts). */
  headersDelayMs: number;
  usage: FakeUsage;
  /** When to send the final usage-only chunk: 'requested' (only with stream_options.include_usage, like OpenAI), 'always' or 'never'. */
  streamUsage: 'requested' | 'always' | 'never';
  /** Arguments of the tool call sent when the request has tools (the name is the first tool's). */
  toolArguments: string;
  /** Stop after the first content chunk until releaseStream() is called. */
  holdStream: boolean;
  /** Reset the connection after this many SSE events (role chunk included). */
  resetAfterEvents: number | undefined;
  /** End the response cleanly after this many SSE events, with no finish chunk and no [DONE] (a truncated stream). */
  endAfterEvents: number | undefined;
  /** Send an SSE error event (`data: {"error": ...}`) after this many events, then [DONE]. */
  errorEventAfterEvents: number | undefined;
  /** Extra response headers on every chat answer (e.g. rate-limit headers). */
  responseHeaders: Record<string, string>;
  /** Answer requests (every POST endpoint) with this status and body instead (a string body is sent as is); `model` limits it to that request model. */
  respondWith: { status: number; body: unknown; contentType?: string; model?: string } | undefined;
  /** Answer 401 unless the request carries `Authorization: Bearer <requireApiKey>`. */
  requireApiKey: string | undefined;
  /** Line ending of the SSE stream. */
  lineEnding: '\n' | '\r\n';
  /** Write an SSE comment before every event, like a keep-alive. */
  keepAliveComments: boolean;
  /** Ids listed by GET /v1/models. */
  models: string[];
  /** Message of the error event sent by errorEventAfterEvents. */
  errorEventMessage: string;
  /** Length of each vector answered by /v1/embeddings. */
  embeddingDimensions: number;
  /** Send 200 stream headers, then fail before any event: reset, stall (never write), an error event, or malformed JSON. */
  failBeforeFirstEvent: 'reset' | 'stall' | 'error-event' | 'malformed' | undefined;
  /** Chat answer text per request (undefined: `text`), e.g. by model or by a marker in the prompt. */
  answerFor: ((request: FakeChatRequest) => string | undefined) | undefined;
  /** Chat requests for which this is true wait (before any byte is written) until releaseHeld(). */
  holdWhen: ((request: FakeChatRequest) => boolean) | undefined;
}

/** What answerFor and holdWhen see of a chat request. */
export interface FakeChatRequest {
  model: unknown;
  messages: Array<{ role?: unknown; content?: unknown }>;
  stream?: unknown;
  max_tokens?: unknown;
}

export const DEFAULT_BEHAVIOUR: FakeBehaviour = {
  text: 'Hello from the fake upstream.',
  chunks: 3,
  chunkDelayMs: 0,
  headersDelayMs: 0,
  usage: { prompt_tokens: 12, completion_tokens: 7, cached_tokens: 0 },
  streamUsage: 'requested',
  toolArguments: '{"city":"Paris"}',
  holdStream: false,
  resetAfterEvents: undefined,
  endAfterEvents: undefined,
  errorEventAfterEvents: undefined,
  responseHeaders: {},
  respondWith: undefined,
  requireApiKey: undefined,
  lineEnding: '\n',
  keepAliveComments: false,
  models: ['fake-strong', 'fake-weak'],
  errorEventMessage: 'fake upstream overloaded mid-stream',
  embeddingDimensions: 4,
  failBeforeFirstEvent: undefined,
  answerFor: undefined,
  holdWhen: undefined,
};

export type RequestOutcome = 'completed' | 'client-closed' | 'reset';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (or the raw text when it is not JSON); `any` so tests can read fields directly. */
  body: any;
  /** Settles when the response ends: completed, closed early by the client, or reset by the fake. */
  outcome: Promise<RequestOutcome>;
}

export interface FakeUpstream {
  /** Base URL ending in /v1. */
  url: string;
  requests: RecordedRequest[];
  /** Replaces the behaviour: defaults, then the start options, then `behaviour`. */
  setBehaviour(behaviour: Partial<FakeBehaviour>): void;
  /** Lets held streams (holdStream) continue. */
  releaseStream(): void;
  /** Lets requests held by holdWhen continue (those arriving later are held again). */
  releaseHeld(): void;
  /** Requests held by holdWhen right now. */
  readonly heldCount: number;
  close(): Promise<void>;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function startFakeUpstream(options: Partial<FakeBehaviour> = {}): Promise<FakeUpstream> {
  let behaviour: FakeBehaviour = { ...DEFAULT_BEHAVIOUR, ...options };
  let hold = deferred();
  let heldGate = deferred();
  let heldCount = 0;
  const gate = {
    wait: async (): Promise<void> => {
      heldCount += 1;
      try {
        await heldGate.promise;
      } finally {
        heldCount -= 1;
      }
    },
  };
  let completionCount = 0;
  const server = await startRecordingServer((record, res, reset) => handle(record, res, behaviour, hold.promise, ++completionCount, reset, gate));

  return {
    url: `${server.origin}/v1`,
    requests: server.requests,
    setBehaviour(next) {
      hold.resolve();
      hold = deferred();
      behaviour = { ...DEFAULT_BEHAVIOUR, ...options, ...next };
    },
    releaseStream() {
      hold.resolve();
    },
    releaseHeld() {
      heldGate.resolve();
      heldGate = deferred();
    },
    get heldCount() {
      return heldCount;
    },
    async close() {
      hold.resolve();
      heldGate.resolve();
      await server.close();
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown, contentType = 'application/json', headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function openAiError(message: string, type: string, code: string | null = null): unknown {
  return { error: { message, type, param: null, code } };
}

async function handle(
  record: RecordedRequest,
  res: ServerResponse,
  b: FakeBehaviour,
  held: Promise<void>,
  sequence: number,
  reset: () => void,
  gate: { wait(): Promise<void> },
): Promise<void> {
  const path = record.path.split('?')[0];
  if (b.requireApiKey !== undefined && record.headers.authorization !== `Bearer ${b.requireApiKey}`) {
    return sendJson(res, 401, openAiError('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'));
  }
  if (record.method === 'GET' && path === '/v1/models') {
    const data = b.models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'fake' }));
    return sendJson(res, 200, { object: 'list', data });
  }
  if (record.method === 'POST' && path !== undefined && Object.hasOwn(OTHER_ENDPOINTS, path)) {
    return handleOther(path, record, res, b, sequence, reset);
  }
  if (record.method !== 'POST' || path !== '/v1/chat/completions') {
    return sendJson(res, 404, openAiError(`No route ${record.method} ${path}`, 'invalid_request_error'));
  }
  const request = record.body;
  if (!request || typeof request !== 'object' || !Array.isArray(request.messages)) {
    return sendJson(res, 400, openAiError('Invalid body: messages is required', 'invalid_request_error'));
  }
  if (b.headersDelayMs > 0) await sleep(b.headersDelayMs);
  if (res.destroyed) return;
  const forced = b.respondWith;
  if (forced && (forced.model === undefined || forced.model === request.model)) {
    return sendJson(res, forced.status, forced.body, forced.contentType, b.responseHeaders);
  }
  if (b.holdWhen?.(request)) await gate.wait();
  if (res.destroyed) return;
  const text = b.answerFor?.(request) ?? b.text;
  const completion = new Completion({ ...b, text }, request, sequence);
  if (request.stream !== true) return sendJson(res, 200, completion.json(), 'application/json', b.responseHeaders);

  res.writeHead(200, { ...b.responseHeaders, 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  if (b.failBeforeFirstEvent !== undefined) {
    res.flushHeaders();
    const eol = b.lineEnding;
    switch (b.failBeforeFirstEvent) {
      case 'reset':
        await sleep(20);
        return reset();
      case 'stall':
        await held;
        return void res.end();
      case 'error-event':
        return void res.end(`data: ${JSON.stringify(openAiError('fake upstream overloaded', 'server_error'))}${eol}${eol}data: [DONE]${eol}${eol}`);
      case 'malformed':
        return void res.end(`data: {"choices": [${eol}${eol}data: [DONE]${eol}${eol}`);
    }
  }
  const includeUsage = b.streamUsage === 'always' || (b.streamUsage === 'requested' && request.stream_options?.include_usage === true);
  const events = completion.streamEvents(includeUsage);
  let written = 0;
  for (const [index, event] of events.entries()) {
    if (res.destroyed) return;
    if (index > 0 && b.chunkDelayMs > 0) await sleep(b.chunkDelayMs);
    if (index === 2 && b.holdStream) await held;
    if (res.destroyed) return;
    const data = JSON.stringify(event);
    const eol = b.lineEnding;
    res.write(`${b.keepAliveComments ? `: keep-alive${eol}${eol}` : ''}data: ${data}${eol}${eol}`);
    written++;
    if (b.resetAfterEvents !== undefined && written >= b.resetAfterEvents) {
      await sleep(20); // let the written events leave before the reset
      return reset();
    }
    if (b.endAfterEvents !== undefined && written >= b.endAfterEvents) return void res.end();
    if (b.errorEventAfterEvents !== undefined && written >= b.errorEventAfterEvents) {
      res.write(`data: ${JSON.stringify(openAiError(b.errorEventMessage, 'server_error'))}${eol}${eol}`);
      break;
    }
  }
  res.end(`data: [DONE]${b.lineEnding}${b.lineEnding}`);
}

/** Builds one completion's JSON body and its streamed chunks, OpenAI-style. */
class Completion {
  readonly #id: string;
  readonly #created = Math.floor(Date.now() / 1000);
  readonly #toolName: string | undefined;

  constructor(
    private readonly b: FakeBehaviour,
    private readonly request: { model?: unknown; tools?: unknown },
    sequence: number,
  ) {
    this.#id = `chatcmpl-fake-${sequence}`;
    const tools = Array.isArray(request.tools) ? (request.tools as Array<{ function?: { name?: string } }>) : [];
    this.#toolName = tools.length > 0 ? (tools[0]?.function?.name ?? 'tool') : undefined;
  }

  #base(object: string): Record<string, unknown> {
    return { id: this.#id, object, created: this.#created, model: this.request.model, system_fingerprint: 'fp_fake' };
  }

  #usage(): Record<string, unknown> {
    const u = this.b.usage;
    return {
      prompt_tokens: u.prompt_tokens,
      completion_tokens: u.completion_tokens,
      total_tokens: u.prompt_tokens + u.completion_tokens,
      prompt_tokens_details: { cached_tokens: u.cached_tokens },
    };
  }

  #toolCall(): { id: string; type: 'function'; function: { name: string; arguments: string } } {
    return { id: `call_fake_${this.#id}`, type: 'function', function: { name: this.#toolName ?? 'tool', arguments: this.b.toolArguments } };
  }

  json(): Record<string, unknown> {
    const message = this.#toolName
      ? { role: 'assistant', content: null, tool_calls: [this.#toolCall()] }
      : { role: 'assistant', content: this.b.text };
    const finish = this.#toolName ? 'tool_calls' : 'stop';
    return { ...this.#base('chat.completion'), choices: [{ index: 0, message, logprobs: null, finish_reason: finish }], usage: this.#usage() };
  }

  /** Role chunk, N content (or tool-argument) chunks, finish chunk, optional usage-only chunk. */
  streamEvents(includeUsage: boolean): Record<string, unknown>[] {
    const chunk = (delta: unknown, finish: string | null = null): Record<string, unknown> => ({
      ...this.#base('chat.completion.chunk'),
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {}),
    });
    const call = this.#toolCall();
    const pieces = splitInto(this.#toolName ? call.function.arguments : this.b.text, this.b.chunks);
    const events = this.#toolName
      ? [
          chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }),
          ...pieces.map((p) => chunk({ tool_calls: [{ index: 0, function: { arguments: p } }] })),
          chunk({}, 'tool_calls'),
        ]
      : [chunk({ role: 'assistant', content: '' }), ...pieces.map((p) => chunk({ content: p })), chunk({}, 'stop')];
    if (includeUsage) events.push({ ...this.#base('chat.completion.chunk'), choices: [], usage: this.#usage() });
    return events;
  }
}

/** Splits text into n nearly equal, non-empty pieces (fewer when the text is shorter than n). */
export function splitInto(text: string, n: number): string[] {
  const count = Math.max(1, Math.min(n, text.length));
  const size = Math.ceil(text.length / count);
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces.length > 0 ? pieces : [''];
}

// --- /v1/embeddings, /v1/completions, /v1/responses ---

interface SseOut {
  event?: string;
  data: unknown;
}

type OtherEndpoint = (request: any, b: FakeBehaviour, sequence: number) => { json: unknown; events: SseOut[]; error: SseOut; trailer: string };

function fakeUsage(b: FakeBehaviour): Record<string, unknown> {
  const u = b.usage;
  return { prompt_tokens: u.prompt_tokens, completion_tokens: u.completion_tokens, total_tokens: u.prompt_tokens + u.completion_tokens, prompt_tokens_details: { cached_tokens: u.cached_tokens } };
}

/** A deterministic vector per input index: [index + 1, 0.5, 0.25, ...]. */
function fakeVector(index: number, dimensions: number): number[] {
  return Array.from({ length: dimensions }, (_, d) => (d === 0 ? index + 1 : 1 / 2 ** d));
}

const OTHER_ENDPOINTS: Readonly<Record<string, OtherEndpoint>> = {
  '/v1/embeddings': (request, b) => {
    const inputs: unknown[] = Array.isArray(request.input) ? request.input : [request.input];
    const data = inputs.map((_, index) => {
      const vector = fakeVector(index, b.embeddingDimensions);
      const embedding = request.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
      return { object: 'embedding', index, embedding };
    });
    const json = { object: 'list', data, model: request.model, usage: { prompt_tokens: b.usage.prompt_tokens, total_tokens: b.usage.prompt_tokens } };
    return { json, events: [], error: { data: {} }, trailer: '' };
  },
  '/v1/completions': (request, b, sequence) => {
    const base = { id: `cmpl-fake-${sequence}`, object: 'text_completion', created: Math.floor(Date.now() / 1000), model: request.model };
    const choice = (text: string, finish: string | null) => ({ text, index: 0, logprobs: null, finish_reason: finish });
    const json = { ...base, choices: [choice(b.text, 'stop')], usage: fakeUsage(b) };
    const events: SseOut[] = [...splitInto(b.text, b.chunks).map((p) => ({ data: { ...base, choices: [choice(p, null)] } })), { data: { ...base, choices: [choice('', 'stop')] } }];
    const includeUsage = b.streamUsage === 'always' || (b.streamUsage === 'requested' && request.stream_options?.include_usage === true);
    if (includeUsage) events.push({ data: { ...base, choices: [], usage: fakeUsage(b) } });
    return { json, events, error: { data: openAiError(b.errorEventMessage, 'server_error') }, trailer: 'data: [DONE]' };
  },
  '/v1/responses': (request, b, sequence) => {
    const id = `resp_fake_${sequence}`;
    const messageId = `msg_fake_${sequence}`;
    const u = b.usage;
    const usage = {
      input_tokens: u.prompt_tokens,
      input_tokens_details: { cached_tokens: u.cached_tokens },
      output_tokens: u.completion_tokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: u.prompt_tokens + u.completion_tokens,
    };
    const response = (status: string, output: unknown[], withUsage: boolean) => ({
      id,
      object: 'response',
      created_at: Math.floor(Date.now() / 1000),
      status,
      model: request.model,
      output,
      parallel_tool_calls: true,
      tool_choice: 'auto',
      tools: [],
      usage: withUsage ? usage : null,
      error: null,
      incomplete_details: null,
      instructions: request.instructions ?? null,
      metadata: {},
      temperature: null,
      top_p: null,
    });
    const part = (text: string) => ({ type: 'output_text', text, annotations: [] });
    const message = (status: string, content: unknown[]) => ({ type: 'message', id: messageId, status, role: 'assistant', content });
    const json = response('completed', [message('completed', [part(b.text)])], true);
    const typed = (type: string, fields: Record<string, unknown>): SseOut => ({ event: type, data: { type, ...fields } });
    const at = { item_id: messageId, output_index: 0, content_index: 0 };
    const events: SseOut[] = [
      typed('response.created', { response: response('in_progress', [], false) }),
      typed('response.in_progress', { response: response('in_progress', [], false) }),
      typed('response.output_item.added', { output_index: 0, item: message('in_progress', []) }),
      typed('response.content_part.added', { ...at, part: part('') }),
      ...splitInto(b.text, b.chunks).map((delta) => typed('response.output_text.delta', { ...at, delta })),
      typed('response.output_text.done', { ...at, text: b.text }),
      typed('response.content_part.done', { ...at, part: part(b.text) }),
      typed('response.output_item.done', { output_index: 0, item: message('completed', [part(b.text)]) }),
      typed('response.completed', { response: json }),
    ];
    events.forEach((event, index) => Object.assign(event.data as Record<string, unknown>, { sequence_number: index }));
    return { json, events, error: typed('error', { code: 'server_error', message: b.errorEventMessage, param: null }), trailer: '' };
  },
};

async function handleOther(path: string, record: RecordedRequest, res: ServerResponse, b: FakeBehaviour, sequence: number, reset: () => void): Promise<void> {
  const request = record.body;
  if (!request || typeof request !== 'object' || typeof request.model !== 'string') {
    return sendJson(res, 400, openAiError('Invalid body: model is required', 'invalid_request_error'));
  }
  if (b.headersDelayMs > 0) await sleep(b.headersDelayMs);
  if (res.destroyed) return;
  const forced = b.respondWith;
  if (forced && (forced.model === undefined || forced.model === request.model)) {
    return sendJson(res, forced.status, forced.body, forced.contentType, b.responseHeaders);
  }
  const answer = OTHER_ENDPOINTS[path]!(request, b, sequence);
  if (request.stream !== true) return sendJson(res, 200, answer.json, 'application/json', b.responseHeaders);

  res.writeHead(200, { ...b.responseHeaders, 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const eol = b.lineEnding;
  const format = (out: SseOut) => `${out.event ? `event: ${out.event}${eol}` : ''}data: ${JSON.stringify(out.data)}${eol}${eol}`;
  let written = 0;
  for (const [index, event] of answer.events.entries()) {
    if (res.destroyed) return;
    if (index > 0 && b.chunkDelayMs > 0) await sleep(b.chunkDelayMs);
    if (res.destroyed) return;
    res.write(`${b.keepAliveComments ? `: keep-alive${eol}${eol}` : ''}${format(event)}`);
    written++;
    if (b.resetAfterEvents !== undefined && written >= b.resetAfterEvents) {
      await sleep(20); // let the written events leave before the reset
      return reset();
    }
    if (b.endAfterEvents !== undefined && written >= b.endAfterEvents) return void res.end();
    if (b.errorEventAfterEvents !== undefined && written >= b.errorEventAfterEvents) {
      res.write(format(answer.error));
      break;
    }
  }
  res.end(answer.trailer ? `${answer.trailer}${eol}${eol}` : '');
}
