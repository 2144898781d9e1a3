// Shared conformance suite for ForwardingProviderAdapter.forward(): every adapter that forwards
// OpenAI-compatible paths runs describeForwardConformance. Upstreams are real node:http servers on
// loopback writing exact bytes: size caps, SSE events kept as written however the bytes are split,
// the key scrubbed (split across writes, behind JSON escapes, in headers), timeouts, hostile bodies.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeSuite, type ConformanceOptions } from '../support/conformance.ts';
import type { ForwardCall, ForwardResult, ForwardStreamPart, ForwardingProviderAdapter, UpstreamTarget } from '../../src/providers/spec.ts';

type ForwardConformanceOptions = ConformanceOptions<ForwardingProviderAdapter>;

const KEY = 'sk-forward-secret-987';
let server: Server | undefined;

async function stopUpstream(): Promise<void> {
  const running = server;
  server = undefined;
  if (running) {
    running.closeAllConnections();
    await new Promise<void>((resolve) => running.close(() => resolve()));
  }
}

async function upstream(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>): Promise<UpstreamTarget> {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void handler(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { provider: 'fake', baseUrl: `http://127.0.0.1:${port}/v1?api-version=1`, apiKey: KEY, modelId: 'm', timeoutMs: 2000 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function parts(result: ForwardResult): Promise<ForwardStreamPart[]> {
  if (result.kind !== 'stream') throw new Error(`expected a stream, got ${JSON.stringify(result)}`);
  const out: ForwardStreamPart[] = [];
  for await (const part of result.parts) out.push(part);
  return out;
}

/** Writes the text one byte at a time, each its own network write. */
async function dribble(res: ServerResponse, text: string): Promise<void> {
  for (const byte of Buffer.from(text, 'utf8')) {
    res.write(Buffer.from([byte]));
    await sleep(1);
  }
}

export function describeForwardConformance(name: string, options: ForwardConformanceOptions): void {
  describeSuite('ForwardingProviderAdapter', name, options.skip, () => {
    let adapter: ForwardingProviderAdapter;
    const forward = (call: ForwardCall): Promise<ForwardResult> => adapter.forward(call);
    beforeAll(async () => {
      adapter = await options.create();
    });
    afterEach(stopUpstream);

    describe(`${name} forward: JSON answers`, () => {
      it('posts the body to baseUrl + path with the key, keeping the query, and returns the parsed answer', async () => {
        let seen: { url?: string; auth?: string; body?: string } = {};
        const target = await upstream((req, res, body) => {
          seen = { url: req.url, auth: req.headers.authorization, body };
          res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_1', 'set-cookie': 'a=b' });
          res.end('{"object":"list","data":[],"usage":{"prompt_tokens":3,"total_tokens":3}}');
        });
        const result = await forward({ target, path: '/embeddings', body: { model: 'm', input: 'x', extra: [1] }, stream: false });
        expect(seen).toEqual({ url: '/v1/embeddings?api-version=1', auth: `Bearer ${KEY}`, body: '{"model":"m","input":"x","extra":[1]}' });
        expect(result).toMatchObject({ kind: 'json', status: 200, body: { object: 'list', usage: { prompt_tokens: 3 } }, headers: { 'x-request-id': 'req_1' } });
        if (result.kind === 'json') expect(result.headers['set-cookie']).toBeUndefined();
      });

      it('refuses a body over the cap, declared or chunked, without reading it all', async () => {
        const big = `{"data":"${'x'.repeat(4096)}"}`;
        let target = await upstream((_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(big) });
          res.end(big);
        });
        const declared = await forward({ target: { ...target, maxResponseBytes: 1024 }, path: '/completions', body: {}, stream: false });
        expect(declared).toMatchObject({ kind: 'failure', code: 'bad_response' });
        if (declared.kind === 'failure') expect(declared.message).toContain('larger than 1024 bytes');
        server!.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));

        target = await upstream(async (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          for (let i = 0; i < 10 && !res.destroyed; i++) {
            res.write('x'.repeat(512));
            await sleep(2);
          }
          res.end();
        });
        const chunked = await forward({ target: { ...target, maxResponseBytes: 1024 }, path: '/completions', body: {}, stream: false });
        expect(chunked).toMatchObject({ kind: 'failure', code: 'bad_response' });
      });

      it('caps error bodies too and answers them in OpenAI shape', async () => {
        const target = await upstream((_req, res) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('e'.repeat(5000));
        });
        const result = await forward({ target: { ...target, maxResponseBytes: 1024 }, path: '/completions', body: {}, stream: false });
        expect(result).toMatchObject({ kind: 'http_error', status: 500, body: { error: { type: 'upstream_error', message: 'upstream returned HTTP 500 with an oversized body' } } });
      });

      it('scrubs the key from bodies, escaped or literal, and from pass-through headers', async () => {
        const escaped = KEY.replace('s', '\\u0073');
        const target = await upstream((_req, res) => {
          res.writeHead(401, { 'content-type': 'application/json', 'x-request-id': `id-${KEY}` });
          res.end(`{"error":{"message":"bad key ${escaped} and ${KEY}","${KEY}":1}}`);
        });
        const result = await forward({ target, path: '/responses', body: {}, stream: false });
        expect(result.kind).toBe('http_error');
        if (result.kind !== 'http_error') return;
        expect(result.bodyText).not.toContain(KEY);
        expect(JSON.stringify(result.body)).not.toContain(KEY);
        expect(result.body).toEqual({ error: { message: 'bad key [redacted] and [redacted]', '[redacted]': 1 } });
        expect(result.headers['x-request-id']).toBe('id-[redacted]');
      });

      it('never throws on a 20,000-level nested error body', async () => {
        const deep = `${'{"a":'.repeat(20_000)}"${KEY}"${'}'.repeat(20_000)}`;
        const target = await upstream((_req, res) => {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(deep.replace('"sk', '"\\u0073k'));
        });
        const result = await forward({ target, path: '/completions', body: {}, stream: false });
        expect(result.kind).toBe('http_error');
        expect(result).toMatchObject({ kind: 'http_error', status: 400, body: { error: { message: 'upstream returned HTTP 400 with an unreadable JSON body' } } });
      });

      it('times out a silent upstream and reports a refused connection without the address', async () => {
        const target = await upstream(() => undefined);
        const slow = await forward({ target: { ...target, timeoutMs: 100 }, path: '/completions', body: {}, stream: false });
        expect(slow).toMatchObject({ kind: 'failure', code: 'timeout' });
        const refused = await forward({ target: { ...target, baseUrl: 'http://127.0.0.1:9/v1' }, path: '/x', body: {}, stream: false });
        expect(refused).toMatchObject({ kind: 'failure', code: 'connection' });
        const serialisable = await forward({ target, path: '/x', body: { n: 1n }, stream: false });
        expect(serialisable).toMatchObject({ kind: 'failure', code: 'invalid_request' });
      });
    });

    describe(`${name} forward: streams`, () => {
      const wire = `event: response.created\ndata: {"type":"response.created"}\n\n: keep-alive\n\nid: 7\r\nevent: response.output_text.delta\r\ndata: {"type":"response.output_text.delta",\r\ndata: "delta":"key ${KEY} é"}\r\n\r\ndata: [DONE]\n\n`;

      it('passes events on as written, byte-split, with the key scrubbed even when split across writes', async () => {
        const target = await upstream(async (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          await dribble(res, wire);
          res.end();
        });
        const result = await forward({ target, path: '/responses', body: { stream: true }, stream: true });
        const got = await parts(result);
        const events = got.filter((p): p is Extract<ForwardStreamPart, { type: 'event' }> => p.type === 'event');
        expect(events.map((e) => e.raw).join('')).toBe(wire.replace(KEY, '[redacted]'));
        expect(events.map((e) => e.event)).toEqual(['response.created', null, 'response.output_text.delta', null]);
        expect(events[2]!.json).toEqual({ type: 'response.output_text.delta', delta: 'key [redacted] é' });
        expect(events[1]!.data).toBeNull();
        expect(events[3]!.data).toBe('[DONE]');
        expect(got.at(-1)).toEqual({ type: 'end' });
      });

      it('rebuilds an event whose data hides the key behind escapes', async () => {
        const target = await upstream((_req, res) => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end(`event: error\ndata: {"type":"error","message":"${KEY.replace('k', '\\u006b')}"}\n\n`);
        });
        const got = await parts(await forward({ target, path: '/responses', body: {}, stream: true }));
        expect(got[0]).toMatchObject({ type: 'event', raw: 'event: error\ndata: {"type":"error","message":"[redacted]"}\n\n' });
      });

      it('ends with an error part on an oversized event, an idle upstream or a reset', async () => {
        const target = await upstream(async (req, res) => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          if (req.url?.startsWith('/v1/big')) return void res.write(`data: ${'x'.repeat(4096)}`);
          if (req.url?.startsWith('/v1/idle')) return void res.write('data: {}\n\n');
          res.write('data: {}\n\n');
          await sleep(20);
          res.socket?.resetAndDestroy();
        });
        const big = await parts(await forward({ target: { ...target, maxResponseBytes: 1024 }, path: '/big', body: {}, stream: true }));
        expect(big.at(-1)).toMatchObject({ type: 'error', code: 'bad_response' });
        const idle = await parts(await forward({ target: { ...target, timeoutMs: 150 }, path: '/idle', body: {}, stream: true }));
        expect(idle.map((p) => p.type)).toEqual(['event', 'error']);
        expect(idle.at(-1)).toMatchObject({ code: 'timeout' });
        const reset = await parts(await forward({ target, path: '/reset', body: {}, stream: true }));
        expect(reset.at(-1)).toMatchObject({ type: 'error', code: 'connection' });
      });
    });
  });
}
