// Shared conformance suite for ProviderAdapter (spec v2): every adapter's test file calls
// describeProviderConformance with a factory. It drives the adapter against a fake upstream (by
// default the OpenAI-compatible one in test/support) and checks the contract the gateway relies on.
// Golden streams (test/fixtures/golden-streams/<kind>/) hold the same answers in each API's wire
// format; every adapter must turn them into the same typed parts.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeSuite, type ConformanceOptions } from '../support/conformance.ts';
import type { ChatRequest } from '../../src/protocol/chat.ts';
import type { ProviderAdapter, StreamPart, UpstreamResult, UpstreamTarget } from '../../src/providers/spec.ts';
import { startFakeUpstream, type FakeBehaviour, type FakeUpstream } from '../support/fake-upstream.ts';

/** What the suite drives on a fake upstream (both fakes have it). */
type ConformanceUpstream = Omit<FakeUpstream, 'releaseHeld' | 'heldCount'>;

export interface ProviderConformanceOptions extends ConformanceOptions<ProviderAdapter> {
  /** A fake upstream speaking the adapter's API with the FakeUpstream controls. */
  startUpstream?: () => Promise<ConformanceUpstream>;
  /** Folder under test/fixtures/golden-streams with this API's golden streams. */
  goldenStreams: string;
}

const GOLDEN_ROOT = new URL('../fixtures/golden-streams/', import.meta.url);

/** A golden stream's body for `kind`, with the test key in place of {{SECRET}}. */
export function goldenStream(kind: string, name: string): string {
  return readFileSync(new URL(`${kind}/${name}.sse`, GOLDEN_ROOT), 'utf8').replaceAll('{{SECRET}}', SECRET_KEY);
}

function toolCallsOf(parts: StreamPart[]): Array<{ id?: string; function?: { name?: string; arguments?: string } }> {
  return chunks(parts).flatMap((part) => {
    const choices = (part.json['choices'] ?? []) as Array<{ delta?: { tool_calls?: Array<{ id?: string; function?: { name?: string; arguments?: string } }> } }>;
    return choices[0]?.delta?.tool_calls ?? [];
  });
}

export const SECRET_KEY = 'sk-conformance-SECRET-0123456789';
const TOOLS = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }];

export function chatRequest(extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'triage', messages: [{ role: 'user', content: 'Say hello' }], ...extra };
}

export async function collect(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

type ChunkPart = Extract<StreamPart, { type: 'chunk' }>;
const chunks = (parts: StreamPart[]): ChunkPart[] => parts.filter((p): p is ChunkPart => p.type === 'chunk');

/** Concatenated delta content (or tool-call arguments) of the chunks. */
export function streamedText(parts: StreamPart[], field: 'content' | 'arguments' = 'content'): string {
  let text = '';
  for (const part of chunks(parts)) {
    const choices = (part.json?.['choices'] ?? []) as Array<{ delta?: Record<string, unknown> }>;
    const delta = choices[0]?.delta;
    if (field === 'content' && typeof delta?.['content'] === 'string') text += delta['content'];
    const calls = (delta?.['tool_calls'] ?? []) as Array<{ function?: { arguments?: string } }>;
    if (field === 'arguments') text += calls[0]?.function?.arguments ?? '';
  }
  return text;
}

export function expectKind<K extends UpstreamResult['kind']>(result: UpstreamResult, kind: K): Extract<UpstreamResult, { kind: K }> {
  expect(result.kind, JSON.stringify(result)).toBe(kind);
  return result as Extract<UpstreamResult, { kind: K }>;
}

export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Settles with the upstream request's outcome, or 'pending' if it has not settled within `ms`. */
async function outcomeWithin(upstream: ConformanceUpstream, index: number, ms: number): Promise<string> {
  const record = upstream.requests[index];
  if (!record) return 'no request';
  const timer = new Promise<string>((resolve) => setTimeout(() => resolve('pending'), ms));
  return Promise.race([record.outcome, timer]);
}

async function withinMs<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function describeProviderConformance(name: string, options: ProviderConformanceOptions): void {
  describeSuite('ProviderAdapter', name, options.skip, () => {
    let upstream: ConformanceUpstream;
    let adapter: ProviderAdapter;
    const target = (extra: Partial<UpstreamTarget> = {}): UpstreamTarget => ({
      provider: 'fake', baseUrl: upstream.url, apiKey: SECRET_KEY, modelId: 'fake-model-1', timeoutMs: 2000, ...extra,
    });

    beforeAll(async () => {
      upstream = await (options.startUpstream ?? startFakeUpstream)();
      adapter = await options.create();
    });
    afterEach(() => {
      upstream.setBehaviour({});
      upstream.requests.length = 0;
    });
    afterAll(async () => upstream.close());

    it('declares spec v2 and a kind', () => {
      expect(adapter.specVersion).toBe('v2');
      expect(adapter.kind).toMatch(/\S/);
    });

    it('returns a JSON completion with the upstream model, usage (cached tokens) and ttfb', async () => {
      upstream.setBehaviour({ text: 'Plain answer', usage: { prompt_tokens: 40, completion_tokens: 9, cached_tokens: 32 } });
      const result = expectKind(await adapter.chat({ target: target(), request: chatRequest() }), 'json');
      expect(result.status).toBe(200);
      const body = result.body as { model: string; choices: Array<{ message: { content: string } }> };
      expect(body.model).toBe('fake-model-1');
      expect(body.choices[0]?.message.content).toBe('Plain answer');
      expect(result.usage).toEqual({ promptTokens: 40, completionTokens: 9, cachedTokens: 32 });
      expect(result.ttfbMs).toBeGreaterThan(0);
      expect(result.warnings).toEqual([]);
    });

    it('returns tool calls untouched', async () => {
      upstream.setBehaviour({ toolArguments: '{"city":"Oslo"}' });
      const result = expectKind(await adapter.chat({ target: target(), request: chatRequest({ tools: TOOLS }) }), 'json');
      const message = (result.body as { choices: Array<{ message: { tool_calls: unknown[] } }> }).choices[0]?.message;
      expect(message?.tool_calls).toEqual([
        { id: expect.any(String), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
      ]);
    });

    it('streams chunks in order, classifies the usage-only chunk, reports usage and ends with done', async () => {
      upstream.setBehaviour({ text: 'one two three four', chunks: 4, usage: { prompt_tokens: 20, completion_tokens: 4, cached_tokens: 16 } });
      const result = expectKind(await adapter.chat({ target: target(), request: chatRequest({ stream: true }) }), 'stream');
      expect(result.status).toBe(200);
      const parts = await collect(result.parts);
      expect(streamedText(parts)).toBe('one two three four');
      const usageOnly = chunks(parts).filter((p) => p.isUsageOnly);
      expect(usageOnly).toHaveLength(1);
      expect(usageOnly[0]?.json?.['choices']).toEqual([]);
      expect(chunks(parts).every((p) => p.json !== null && JSON.parse(p.data) !== null)).toBe(true);
      expect(parts.filter((p) => p.type === 'usage')).toEqual([{ type: 'usage', usage: { promptTokens: 20, completionTokens: 4, cachedTokens: 16 } }]);
      expect(parts.at(-1)).toEqual({ type: 'done', sentinel: true });
      expect(parts.filter((p) => p.type === 'done' || p.type === 'error')).toHaveLength(1);
    });

    it('streams tool-call deltas', async () => {
      upstream.setBehaviour({ toolArguments: '{"city":"Lima","unit":"C"}', chunks: 5 });
      const result = expectKind(await adapter.chat({ target: target(), request: chatRequest({ stream: true, tools: TOOLS }) }), 'stream');
      const parts = await collect(result.parts);
      expect(streamedText(parts, 'arguments')).toBe('{"city":"Lima","unit":"C"}');
      expect(parts.at(-1)).toEqual({ type: 'done', sentinel: true });
    });

    it('parses \\r\\n line endings and keep-alive comments', async () => {
      upstream.setBehaviour({ text: 'abcdefgh', chunks: 8, lineEnding: '\r\n', keepAliveComments: true, chunkDelayMs: 2 });
      const result = expectKind(await adapter.chat({ target: target(), request: chatRequest({ stream: true }) }), 'stream');
      const parts = await collect(result.parts);
      expect(streamedText(parts)).toBe('abcdefgh');
      expect(parts.at(-1)).toEqual({ type: 'done', sentinel: true });
    });

    it('delivers the first chunk while the upstream is still holding the stream open', async () => {
      upstream.setBehaviour({ text: 'first|second', chunks: 2, holdStream: true });
      const result = expectKind(await adapter.chat({ target: target(), request: chatRequest({ stream: true }) }), 'stream');
      const iterator = result.parts[Symbol.asyncIterator]();
      const early: StreamPart[] = [];
      while (!streamedText(early).includes('first')) {
        const next = await withinMs(iterator.next(), 2000, 'the first chunk did not arrive while upstream held the stream');
        expect(next.done).toBe(false);
        early.push(next.value as StreamPart);
      }
      expect(await outcomeWithin(upstream, 0, 50)).toBe('pending');
      upstream.releaseStream();
      const rest: StreamPart[] = [];
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest.push(next.value);
      expect(streamedText([...early, ...rest])).toBe('first|second');
      expect(rest.at(-1)).toEqual({ type: 'done', sentinel: true });
      expect(await upstream.requests[0]?.outcome).toBe('completed');
    });

    it('passes an upstream 4xx JSON body through', async () => {
      const body = { error: { message: 'Invalid value for temperature', type: 'invalid_request_error', param: 'temperature', code: null } };
      upstream.setBehaviour({ respondWith: { status: 400, body } });
      const result = expectKind(await adapter.chat({ target: target(), request: chatRequest() }), 'http_error');
      expect(result.status).toBe(400);
      expect(result.body).toEqual(body);
    });

    it('wraps a non-JSON upstream 5xx body, also for stream requests', async () => {
      upstream.setBehaviour({ respondWith: { status: 503, body: 'upstream overloaded', contentType: 'text/plain' } });
      for (const stream of [false, true]) {
        const result = expectKind(await adapter.chat({ target: target(), request: chatRequest({ stream }) }), 'http_error');
        expect(result.status).toBe(503);
        expect(result.body).toEqual({ error: { message: 'upstream overloaded', type: 'upstream_error' } });
      }
    });

    it('reports a non-JSON 200 body as bad_response', async () => {
      upstream.setBehaviour({ respondWith: { status: 200, body: '<html>gateway</html>', contentType: 'text/html' } });
      const result = expectKind(await adapter.chat({ target: target(), request: chatRequest() }), 'failure');
      expect(result.code).toBe('bad_response');
    });

    it('times out when the headers are late, streaming or not', async () => {
      upstream.setBehaviour({ headersDelayMs: 1500 });
      for (const stream of [false, true]) {
        const sent = upstream.requests.length;
        const result = expectKind(await adapter.chat({ target: target({ timeoutMs: 150 }), request: chatRequest({ stream }) }), 'failure');
        expect(result.code).toBe('timeout');
        // Ordering, not wall-clock: the adapter gave up and closed the connection before the upstream
        // wrote its late headers (had it waited, the upstream would have completed the answer).
        expect(await upstream.requests[sent]!.outcome).toBe('client-closed');
      }
    });

    it('ends a stream with a timeout error when the upstream goes quiet', async () => {
      upstream.setBehaviour({ chunkDelayMs: 600 });
      const result = expectKind(await adapter.chat({ target: target({ timeoutMs: 200 }), request: chatRequest({ stream: true }) }), 'stream');
      const parts = await collect(result.parts);
      expect(chunks(parts).length).toBeGreaterThanOrEqual(1);
      expect(parts.at(-1)).toMatchObject({ type: 'error', code: 'timeout' });
    });

    it('reports a refused connection', async () => {
      const port = await closedPort();
      const result = expectKind(await adapter.chat({ target: target({ baseUrl: `http://127.0.0.1:${port}/v1` }), request: chatRequest() }), 'failure');
      expect(result.code).toBe('connection');
      expect(result.message).toMatch(/ECONNREFUSED/);
    });

    it('ends a stream reset mid-way with a connection error part', async () => {
      upstream.setBehaviour({ text: 'abcdef', chunks: 6, resetAfterEvents: 2 });
      const result = expectKind(await adapter.chat({ target: target(), request: chatRequest({ stream: true }) }), 'stream');
      const parts = await collect(result.parts);
      expect(chunks(parts)).toHaveLength(2);
      expect(parts.at(-1)).toMatchObject({ type: 'error', code: 'connection' });
      expect(parts.some((p) => p.type === 'done')).toBe(false);
    });

    it('aborts the upstream request when the iteration is cancelled', async () => {
      upstream.setBehaviour({ holdStream: true });
      const result = expectKind(await adapter.chat({ target: target(), request: chatRequest({ stream: true }) }), 'stream');
      for await (const part of result.parts) {
        if (part.type === 'chunk' && streamedText([part]) !== '') break;
      }
      expect(await outcomeWithin(upstream, 0, 1000)).toBe('client-closed');
    });

    it('aborts at once when return() is called while a read is pending', async () => {
      upstream.setBehaviour({ holdStream: true });
      const result = expectKind(await adapter.chat({ target: target(), request: chatRequest({ stream: true }) }), 'stream');
      const iterator = result.parts[Symbol.asyncIterator]();
      for (let next = await iterator.next(); !next.done && streamedText([next.value]) === ''; next = await iterator.next());
      const pending = iterator.next(); // upstream is holding: nothing to read yet
      await iterator.return?.();
      expect(await outcomeWithin(upstream, 0, 1000)).toBe('client-closed');
      const last = await withinMs(pending, 1000, 'the pending read did not settle');
      // The pending read ends the iteration with an 'aborted' error part, never with a chunk.
      expect(last).toMatchObject({ done: false, value: { type: 'error', code: 'aborted' } });
    });

    it("ends the stream with an 'aborted' error when the caller's signal aborts", async () => {
      upstream.setBehaviour({ holdStream: true });
      const controller = new AbortController();
      const result = expectKind(await adapter.chat({ target: target(), request: chatRequest({ stream: true }), signal: controller.signal }), 'stream');
      const parts: StreamPart[] = [];
      for await (const part of result.parts) {
        parts.push(part);
        if (streamedText([part]) !== '') controller.abort();
      }
      expect(parts.at(-1)).toMatchObject({ type: 'error', code: 'aborted' });
      expect(await outcomeWithin(upstream, 0, 1000)).toBe('client-closed');
    });

    it("fails with 'aborted' when the caller's signal is already aborted", async () => {
      const result = expectKind(await adapter.chat({ target: target(), request: chatRequest(), signal: AbortSignal.abort() }), 'failure');
      expect(result.code).toBe('aborted');
    });

    it('never puts the API key in a failure, error part or passed-through error body', async () => {
      const seen: unknown[] = [];
      upstream.setBehaviour({ respondWith: { status: 401, body: { error: { message: `Incorrect API key provided: ${SECRET_KEY}` } } } });
      seen.push(await adapter.chat({ target: target(), request: chatRequest() }));
      upstream.setBehaviour({ respondWith: { status: 500, body: `bad key ${SECRET_KEY}`, contentType: 'text/plain' } });
      seen.push(await adapter.chat({ target: target(), request: chatRequest() }));
      upstream.setBehaviour({ headersDelayMs: 1000 });
      seen.push(await adapter.chat({ target: target({ timeoutMs: 100 }), request: chatRequest() }));
      upstream.setBehaviour({ resetAfterEvents: 1 });
      const stream = expectKind(await adapter.chat({ target: target(), request: chatRequest({ stream: true }) }), 'stream');
      seen.push(await collect(stream.parts));
      const port = await closedPort();
      seen.push(await adapter.chat({ target: target({ baseUrl: `http://127.0.0.1:${port}/v1` }), request: chatRequest() }));
      seen.push(await adapter.chat({ target: target({ baseUrl: `not a url ${SECRET_KEY}` }), request: chatRequest() }));
      const text = JSON.stringify(seen);
      expect(text).toContain('Incorrect API key provided');
      expect(text).not.toContain(SECRET_KEY);
      expect(text).not.toContain('SECRET');
    });

    const golden = async (name: string, extra: Partial<FakeBehaviour> = {}) => {
      upstream.setBehaviour({ respondWith: { status: 200, body: goldenStream(options.goldenStreams, name), contentType: 'text/event-stream' }, ...extra });
      const result = expectKind(await adapter.chat({ target: target(), request: chatRequest({ stream: true }) }), 'stream');
      return { result, parts: await collect(result.parts) };
    };

    it('golden plain text: the text in order, one finish reason, usage in the last chunk, then done', async () => {
      const { parts } = await golden('plain-text');
      expect(streamedText(parts)).toBe('Hello, world. How can I help?');
      expect(chunks(parts).map((p) => p.finishReason).filter((r) => r !== null)).toEqual(['stop']);
      const last = chunks(parts).at(-1);
      expect(last).toMatchObject({ isUsageOnly: true, finishReason: null });
      expect(last?.json['choices']).toEqual([]);
      expect(parts.filter((p) => p.type === 'usage')).toEqual([{ type: 'usage', usage: { promptTokens: 25, completionTokens: 9, cachedTokens: 5 } }]);
      expect(parts.at(-1)).toEqual({ type: 'done', sentinel: true });
      expect(parts.filter((p) => p.type === 'done' || p.type === 'error' || p.type === 'upstream-error')).toHaveLength(1);
    });

    it('golden tool call: one call with its id and name first, the argument deltas in order, finish tool_calls', async () => {
      const { parts } = await golden('tool-call');
      const calls = toolCallsOf(parts);
      expect(calls[0]).toMatchObject({ id: expect.stringMatching(/\S/), function: { name: 'read_file' } });
      expect(calls.filter((call) => call.id !== undefined)).toHaveLength(1);
      expect(streamedText(parts, 'arguments')).toBe('{"path":"src/index.ts","lines":[1,40]}');
      expect(JSON.parse(streamedText(parts, 'arguments'))).toEqual({ path: 'src/index.ts', lines: [1, 40] });
      expect(chunks(parts).map((p) => p.finishReason).filter((r) => r !== null)).toEqual(['tool_calls']);
      expect(parts.filter((p) => p.type === 'usage')).toEqual([{ type: 'usage', usage: { promptTokens: 120, completionTokens: 22, cachedTokens: 0 } }]);
      expect(parts.at(-1)).toEqual({ type: 'done', sentinel: true });
    });

    it('golden mid-stream error: an upstream-error part (never a silent end), key scrubbed, also from passed-through headers', async () => {
      const { result, parts } = await golden('mid-stream-error', { responseHeaders: { 'x-request-id': `req-${SECRET_KEY}` } });
      expect(streamedText(parts)).toBe('Partial');
      const failure = parts.find((part) => part.type === 'upstream-error');
      expect(failure).toMatchObject({ type: 'upstream-error', message: 'upstream sent an error event: overloaded; key [redacted] was rate limited' });
      if (failure?.type !== 'upstream-error') throw new Error('no upstream-error part');
      expect(JSON.parse(failure.data)).toMatchObject({ error: { message: 'overloaded; key [redacted] was rate limited' } });
      // Nothing before the error claims a finished answer.
      expect(parts.slice(0, parts.indexOf(failure)).some((p) => p.type === 'done' || (p.type === 'chunk' && p.finishReason !== null))).toBe(false);
      expect(result.headers['x-request-id']).toBe('req-[redacted]');
      expect(JSON.stringify([parts, result.headers])).not.toContain(SECRET_KEY);

      upstream.setBehaviour({ responseHeaders: { 'x-request-id': `id ${SECRET_KEY}` } });
      const json = expectKind(await adapter.chat({ target: target(), request: chatRequest() }), 'json');
      expect(json.headers['x-request-id']).toBe('id [redacted]');
    });

    it.each([
      ['finish-length', 'Truncat', 'length'],
      ['finish-content-filter', 'I can', 'content_filter'],
    ])('golden %s: maps the finish reason to %s', async (name, text, reason) => {
      const { parts } = await golden(name);
      expect(streamedText(parts)).toBe(text);
      expect(chunks(parts).map((p) => p.finishReason).filter((r) => r !== null)).toEqual([reason]);
      expect(parts.at(-1)).toEqual({ type: 'done', sentinel: true });
    });

    it('reports malformed JSON inside a stream as a bad_response error part', async () => {
      upstream.setBehaviour({ respondWith: { status: 200, body: 'data: {"choices": [\n\ndata: [DONE]\n\n', contentType: 'text/event-stream' } });
      const result = expectKind(await adapter.chat({ target: target(), request: chatRequest({ stream: true }) }), 'stream');
      const parts = await collect(result.parts);
      expect(parts[0]).toMatchObject({ type: 'error', code: 'bad_response' });
      expect(parts.some((part) => part.type === 'chunk')).toBe(false);
    });

    it('passes a 20,000-level nested error body through as text, without throwing', async () => {
      const depth = 20_000;
      const body = `${'{"error":'.repeat(depth)}"deep ${SECRET_KEY}"${'}'.repeat(depth)}`;
      upstream.setBehaviour({ respondWith: { status: 400, body, contentType: 'application/json' } });
      // Not expectKind: its message would stringify the hostile body.
      const result = await adapter.chat({ target: target(), request: chatRequest() });
      if (result.kind !== 'http_error') throw new Error(`expected http_error, got ${result.kind}`);
      expect(result.status).toBe(400);
      expect(result.bodyText === body.replace(SECRET_KEY, '[redacted]')).toBe(true);
    });

    it('refuses a response body or a stream event larger than maxResponseBytes', async () => {
      upstream.setBehaviour({ text: 'x'.repeat(5000) });
      const big = expectKind(await adapter.chat({ target: target({ maxResponseBytes: 2000 }), request: chatRequest() }), 'failure');
      expect(big.code).toBe('bad_response');
      expect(big.message).toContain('larger than 2000 bytes');
      upstream.setBehaviour({ text: 'x'.repeat(5000), chunks: 1 });
      const stream = expectKind(await adapter.chat({ target: target({ maxResponseBytes: 2000 }), request: chatRequest({ stream: true }) }), 'stream');
      const parts = await collect(stream.parts);
      expect(parts.at(-1)).toMatchObject({ type: 'error', code: 'bad_response' });
      expect(streamedText(parts)).toBe('');
    });

    it('names no address in a connection failure', async () => {
      const port = await closedPort();
      const result = expectKind(await adapter.chat({ target: target({ baseUrl: `http://127.0.0.1:${port}/v1` }), request: chatRequest() }), 'failure');
      expect(result.code).toBe('connection');
      expect(result.message).toContain('ECONNREFUSED');
      expect(result.message).not.toContain('127.0.0.1');
      expect(result.message).not.toContain(String(port));
    });
  });
}
