// The adapter's outbound transport (pooled node:http keep-alive agents), seen from a real loopback
// upstream that counts its TCP connections and sees them close: sockets are reused across calls
// (also after a finished stream), a cancelled, timed-out or oversized call closes its socket instead
// of leaving it half-read in the pool, and a request that meets a reset on a reused idle socket is
// sent again on a fresh one.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAiCompatibleAdapter } from '../../src/providers/openai-compatible/index.ts';
import { idleSockets } from '../../src/providers/shared/httpTransport.ts';
import type { StreamPart, UpstreamResult, UpstreamTarget } from '../../src/providers/spec.ts';

const COMPLETION = JSON.stringify({
  id: 'c1',
  object: 'chat.completion',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 1 },
});

type Handler = (req: IncomingMessage, res: ServerResponse, index: { onSocket: number; overall: number }) => void;

interface Upstream {
  url: string;
  /** TCP connections accepted so far. */
  connections: number;
  /** Resolves when the n-th accepted socket (0-based) has closed. */
  closed(n: number): Promise<void>;
  close(): Promise<void>;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

async function startUpstream(handler: Handler): Promise<Upstream> {
  const sockets: Socket[] = [];
  const closings: Promise<void>[] = [];
  const perSocket = new WeakMap<Socket, number>();
  let overall = 0;
  const server = createServer((req, res) => {
    const count = perSocket.get(req.socket) ?? 0;
    perSocket.set(req.socket, count + 1);
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => handler(req, res, { onSocket: count, overall: overall++ }));
  });
  server.on('connection', (socket: Socket) => {
    sockets.push(socket);
    closings.push(new Promise((resolve) => socket.once('close', () => resolve())));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get connections() {
      return sockets.length;
    },
    closed: async (n) => {
      for (let i = 0; i < 200 && closings[n] === undefined; i++) await new Promise((r) => setTimeout(r, 5));
      await closings[n];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const adapter = createOpenAiCompatibleAdapter();
const target = (upstream: Upstream, extra: Partial<UpstreamTarget> = {}): UpstreamTarget => ({
  provider: 'loop',
  baseUrl: upstream.url,
  modelId: 'm',
  timeoutMs: 5000,
  ...extra,
});
const chat = (upstream: Upstream, options: { stream?: boolean; signal?: AbortSignal; target?: Partial<UpstreamTarget> } = {}): Promise<UpstreamResult> =>
  adapter.chat({
    target: target(upstream, options.target),
    request: { model: 'x', messages: [{ role: 'user', content: 'hello' }], ...(options.stream ? { stream: true } : {}) },
    signal: options.signal,
  });

const answerJson = (_req: IncomingMessage, res: ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(COMPLETION) }).end(COMPLETION);
};

async function collect(result: UpstreamResult): Promise<StreamPart[]> {
  if (result.kind !== 'stream') throw new Error(`expected a stream, got ${result.kind}`);
  const parts: StreamPart[] = [];
  for await (const part of result.parts) parts.push(part);
  return parts;
}

describe('pooled keep-alive transport', () => {
  it('reuses one socket for sequential calls', async () => {
    const upstream = await startUpstream(answerJson);
    for (let i = 0; i < 10; i++) expect((await chat(upstream)).kind).toBe('json');
    expect(upstream.connections).toBe(1);
  });

  it('opens at most one socket per concurrent call and reuses them for the next wave', async () => {
    const upstream = await startUpstream(answerJson);
    for (let wave = 0; wave < 3; wave++) {
      const results = await Promise.all(Array.from({ length: 5 }, () => chat(upstream)));
      expect(results.every((r) => r.kind === 'json')).toBe(true);
    }
    expect(upstream.connections).toBeLessThanOrEqual(5);
  });

  it('reuses the socket of a stream that ended with [DONE]', async () => {
    const upstream = await startUpstream((req, res, index) => {
      if (index.overall > 0) return answerJson(req, res);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ id: 's', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: 'stop' }] })}\n\n`);
      res.write('data: [DONE]\n\n');
      setTimeout(() => res.end(), 30); // the end of the chunked body comes after [DONE]
    });
    const parts = await collect(await chat(upstream, { stream: true }));
    expect(parts.at(-1)).toEqual({ type: 'done', sentinel: true });
    // The rest of the answer drains in the background; its socket then goes back to the pool.
    for (let i = 0; i < 100 && idleSockets(`${upstream.url}/chat/completions`) === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await chat(upstream)).kind).toBe('json');
    expect(upstream.connections).toBe(1);
  });

  it("closes the upstream socket when the caller's signal aborts while waiting for the answer", async () => {
    const upstream = await startUpstream(() => undefined); // never answers
    const controller = new AbortController();
    const pending = chat(upstream, { signal: controller.signal });
    while (upstream.connections === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    expect(await pending).toMatchObject({ kind: 'failure', code: 'aborted' });
    await upstream.closed(0);
  });

  it("closes the upstream socket when the caller's signal aborts mid-stream", async () => {
    const upstream = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ id: 's', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'a' }, finish_reason: null }] })}\n\n`);
      // ...and holds the stream open.
    });
    const controller = new AbortController();
    const result = await chat(upstream, { stream: true, signal: controller.signal });
    if (result.kind !== 'stream') throw new Error(result.kind);
    const iterator = result.parts[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'chunk' });
    controller.abort();
    expect((await iterator.next()).value).toMatchObject({ type: 'error', code: 'aborted' });
    await upstream.closed(0);
  });

  it('closes the socket of a timed-out call, and the next call gets a fresh one', async () => {
    const upstream = await startUpstream((req, res, index) => {
      if (index.overall > 0) answerJson(req, res); // the first request never gets an answer
    });
    expect(await chat(upstream, { target: { timeoutMs: 100 } })).toMatchObject({ kind: 'failure', code: 'timeout' });
    await upstream.closed(0);
    expect((await chat(upstream)).kind).toBe('json');
    expect(upstream.connections).toBe(2);
  });

  it('stops reading a body over maxResponseBytes and closes its socket (chunked, no content-length)', async () => {
    const upstream = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const piece = 'x'.repeat(16 * 1024);
      const timer = setInterval(() => {
        if (!res.write(piece)) return;
      }, 1);
      res.once('close', () => clearInterval(timer));
    });
    const result = await chat(upstream, { target: { maxResponseBytes: 64 * 1024 } });
    expect(result).toMatchObject({ kind: 'failure', code: 'bad_response' });
    expect(result.kind === 'failure' && result.message).toContain('larger than 65536 bytes');
    await upstream.closed(0);
  });

  it('refuses a declared content-length over maxResponseBytes before reading, and closes the socket', async () => {
    const big = 'y'.repeat(200 * 1024);
    const upstream = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': big.length }).end(big);
    });
    expect(await chat(upstream, { target: { maxResponseBytes: 1024 } })).toMatchObject({ kind: 'failure', code: 'bad_response' });
    await upstream.closed(0);
  });

  it('sends a request again on a fresh socket when a reused idle socket is reset before any answer', async () => {
    const upstream = await startUpstream((req, res, index) => {
      // The second request on the first socket: the server "closed it while idle" (reset, no answer).
      if (index.onSocket === 1) {
        req.socket.destroy();
        return;
      }
      answerJson(req, res);
    });
    expect((await chat(upstream)).kind).toBe('json');
    expect((await chat(upstream)).kind).toBe('json');
    expect(upstream.connections).toBe(2);
  });

  it('sends the retry on a new connection, not on another stale socket of the pool', async () => {
    // The server dropped every idle socket at once (its keep-alive timeout): the pool holds three,
    // each reset on its next request. The one retry must not be spent on a second stale socket.
    const upstream = await startUpstream((req, res, index) => {
      if (index.onSocket >= 1) {
        req.socket.destroy();
        return;
      }
      answerJson(req, res);
    });
    const primed = await Promise.all([chat(upstream), chat(upstream), chat(upstream)]);
    expect(primed.map((r) => r.kind)).toEqual(['json', 'json', 'json']);
    expect(idleSockets(upstream.url)).toBe(3);
    expect((await chat(upstream)).kind).toBe('json');
    expect(upstream.connections).toBe(4);
  });

  it('does not send a request twice when a fresh socket is reset', async () => {
    let seen = 0;
    const upstream = await startUpstream((req) => {
      seen += 1;
      req.socket.destroy();
    });
    expect(await chat(upstream)).toMatchObject({ kind: 'failure', code: 'connection' });
    expect(seen).toBe(1);
  });
});
