// What an upstream failure says, through the provider registry's adapter against the fake upstream
// on loopback: one exact message per failure code and phase, and the API key scrubbed from every
// string of a passed-through error body (nested objects and arrays), with other values untouched.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createProvider } from '../../src/providers/registry.ts';
import type { StreamPart, UpstreamResult, UpstreamTarget } from '../../src/providers/spec.ts';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { chatRequest, closedPort } from './provider.conformance.ts';

const KEY = 'sk-redact-me-0123456789';
const adapter = createProvider('openai-compatible');
let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterEach(() => upstream.setBehaviour({}));
afterAll(async () => upstream.close());

const target = (extra: Partial<UpstreamTarget> = {}): UpstreamTarget => ({
  provider: 'acme', baseUrl: upstream.url, apiKey: KEY, modelId: 'm', timeoutMs: 2000, ...extra,
});

function failure(result: UpstreamResult): { code: string; message: string } {
  if (result.kind !== 'failure') throw new Error(`expected a failure, got ${result.kind}`);
  return { code: result.code, message: result.message };
}

async function lastPart(result: UpstreamResult, onPart?: (part: StreamPart) => void): Promise<StreamPart | undefined> {
  if (result.kind !== 'stream') throw new Error(`expected a stream, got ${result.kind}`);
  let last: StreamPart | undefined;
  for await (const part of result.parts) {
    last = part;
    onPart?.(part);
  }
  return last;
}

describe('failure messages, per code and phase', () => {
  it('request timeout', async () => {
    upstream.setBehaviour({ headersDelayMs: 1500 });
    expect(failure(await adapter.chat({ target: target({ timeoutMs: 100 }), request: chatRequest() }))).toEqual({
      code: 'timeout',
      message: 'acme: upstream request timed out after 100 ms',
    });
  });

  it('stream idle timeout', async () => {
    upstream.setBehaviour({ chunkDelayMs: 5000 });
    const result = await adapter.chat({ target: target({ timeoutMs: 1000 }), request: chatRequest({ stream: true }) });
    if (result.kind === 'failure') throw new Error(`the stream did not start: ${result.message}`);
    expect(await lastPart(result)).toEqual({ type: 'error', code: 'timeout', message: 'acme: upstream stream idle for more than 1000 ms' });
  });

  it('request cancelled', async () => {
    expect(failure(await adapter.chat({ target: target(), request: chatRequest(), signal: AbortSignal.abort() }))).toEqual({
      code: 'aborted',
      message: 'acme: upstream request was cancelled',
    });
  });

  it('stream cancelled', async () => {
    upstream.setBehaviour({ holdStream: true });
    const controller = new AbortController();
    const result = await adapter.chat({ target: target(), request: chatRequest({ stream: true }), signal: controller.signal });
    const last = await lastPart(result, (part) => {
      if (part.type === 'chunk' && part.json && JSON.stringify(part.json).includes('"content":"H')) controller.abort();
    });
    expect(last).toEqual({ type: 'error', code: 'aborted', message: 'acme: upstream stream was cancelled' });
  });

  it('refused connection', async () => {
    const port = await closedPort();
    const { code, message } = failure(await adapter.chat({ target: target({ baseUrl: `http://127.0.0.1:${port}/v1` }), request: chatRequest() }));
    expect(code).toBe('connection');
    expect(message).toBe("acme: upstream request failed (ECONNREFUSED: connection refused)");
    expect(message).not.toContain(String(port));
  });

  it('stream reset mid-way', async () => {
    upstream.setBehaviour({ chunks: 6, resetAfterEvents: 2 });
    const last = await lastPart(await adapter.chat({ target: target(), request: chatRequest({ stream: true }) }));
    expect(last).toMatchObject({ type: 'error', code: 'connection' });
    expect(last?.type === 'error' && last.message).toMatch(/^acme: upstream stream failed \(.+\)$/);
  });

  it('a request the transport refuses to send is named by its code in plain words, without its message', async () => {
    // An invalid header value makes node:http throw ERR_INVALID_CHAR before anything is sent.
    const { code, message } = failure(await adapter.chat({ target: target({ headers: { 'x-bad': 'a\nb' } }), request: chatRequest() }));
    expect(code).toBe('connection');
    expect(message).toBe('acme: upstream request failed (ERR_INVALID_CHAR: invalid character in a request header)');
  });

  it('unusable response', async () => {
    upstream.setBehaviour({ respondWith: { status: 200, body: '<html>proxy</html>', contentType: 'text/html' } });
    expect(failure(await adapter.chat({ target: target(), request: chatRequest() }))).toEqual({
      code: 'bad_response',
      message: 'acme: upstream request returned an unusable response (body is not a JSON object)',
    });
  });

  it('a body that cannot be sent', async () => {
    const request = chatRequest();
    const loop: Record<string, unknown> = {};
    loop['self'] = loop;
    const { code, message } = failure(await adapter.chat({ target: target(), request: { ...request, extra: loop } }));
    expect(code).toBe('invalid_request');
    expect(message).toMatch(/^acme: upstream request not sent: the request body cannot be serialised \([\s\S]+\)$/);
  });

  it('scrubs the key from a failure message', async () => {
    upstream.setBehaviour({ headersDelayMs: 1500 });
    const { message } = failure(await adapter.chat({ target: target({ provider: `acme-${KEY}`, timeoutMs: 100 }), request: chatRequest() }));
    expect(message).toBe('acme-[redacted]: upstream request timed out after 100 ms');
  });
});

describe('passed-through error bodies', () => {
  it('scrub the key from every string, at any depth, and leave other values as they are', async () => {
    const body = {
      error: {
        message: `Incorrect API key provided: ${KEY}.`,
        type: 'invalid_request_error',
        code: 401,
        param: null,
        retryable: false,
        details: [`key ${KEY} and again ${KEY}`, { nested: [KEY, 7, true, null] }, 3.5],
      },
    };
    upstream.setBehaviour({ respondWith: { status: 401, body } });
    const result = await adapter.chat({ target: target(), request: chatRequest() });
    expect(result.kind).toBe('http_error');
    expect(result.kind === 'http_error' && result.body).toEqual({
      error: {
        message: 'Incorrect API key provided: [redacted].',
        type: 'invalid_request_error',
        code: 401,
        param: null,
        retryable: false,
        details: ['key [redacted] and again [redacted]', { nested: ['[redacted]', 7, true, null] }, 3.5],
      },
    });
  });

  it('are passed as they are when there is no key', async () => {
    const body = { error: { message: 'quota', details: ['a', { b: 1 }] } };
    upstream.setBehaviour({ respondWith: { status: 429, body } });
    const result = await adapter.chat({ target: target({ apiKey: undefined }), request: chatRequest() });
    expect(result.kind === 'http_error' && result.body).toEqual(body);
  });
});
