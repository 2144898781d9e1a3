// Every error the gateway gives: OpenAI's error shape, the right status, a log row, no crash, and
// never the upstream API key in what the client sees.

import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { startTestGateway, testConfig, type TestGateway } from '../support/gateway.ts';

let upstream: FakeUpstream;
let weakUpstream: FakeUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  weakUpstream = await startFakeUpstream();
  gateway = await startTestGateway({
    raw: testConfig(upstream.url, weakUpstream.url, { server: { bodyLimitBytes: 4096 } }),
    mutate: (config) => {
      config.providers['strongProvider']!.timeoutMs = 300;
    },
  });
});

afterAll(async () => {
  await gateway.dispose();
  await upstream.close();
  await weakUpstream.close();
});

function post(body: string | object, headers: Record<string, string> = {}, path = '/v1/chat/completions') {
  return fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function expectError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  const body = (await response.json()) as { error: { message: string; type: string; code: string } };
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(typeof body.error.type).toBe('string');
  expect(JSON.stringify(body)).not.toContain('sk-upstream-secret-123');
  return body.error;
}

const hello = [{ role: 'user', content: 'hello' }];

describe('request validation', () => {
  it('rejects invalid JSON', async () => {
    await expectError(await post('{"model": "triage", '), 400, 'invalid_json');
    await expectError(await post('[1,2]'), 400, 'invalid_json');
  });

  it('rejects missing, empty or malformed messages', async () => {
    await expectError(await post({ model: 'triage' }), 400, 'invalid_messages');
    await expectError(await post({ model: 'triage', messages: [] }), 400, 'invalid_messages');
    await expectError(await post({ model: 'triage', messages: [{ role: 'wizard', content: 'x' }] }), 400, 'invalid_messages');
  });

  it('rejects an unknown model and lists the valid names', async () => {
    const error = await expectError(await post({ model: 'gpt-7-ultra', messages: hello }), 400, 'model_not_found');
    expect(error.message).toContain('triage/default');
    expect(error.message).toContain('fake-strong');
    const rejected = (await gateway.store.decisions({})).find((r) => r.error?.includes('gpt-7-ultra'));
    expect(rejected).toMatchObject({ status: 400, reason: 'rejected', kind: 'chat', modelAlias: null });
    await expectError(await post({ model: 'router-mf-0.5', messages: hello }), 400, 'model_not_found');
    await expectError(await post({ model: 'router-random-1.5', messages: hello }), 400, 'model_not_found');
  });

  it('rejects malformed tags', async () => {
    await expectError(await post({ model: 'triage', messages: hello }, { 'x-triage-tags': 'no-equals-sign' }), 400, 'invalid_tags');
  });

  it('answers 413 over the body limit', async () => {
    const big = { model: 'triage', messages: [{ role: 'user', content: 'x'.repeat(10_000) }] };
    await expectError(await post(big), 413, 'request_too_large');
  });

  it('counts a chunked body (no content-length) against the limit too, and accepts one under it', async () => {
    // node:http sends a body written without content-length as chunked transfer encoding.
    const chunked = (text: string) =>
      new Promise<Response>((resolve, reject) => {
        const req = request(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve(new Response(body, { status: res.statusCode ?? 0 })));
        });
        req.on('error', reject);
        req.write(text.slice(0, 100));
        req.end(text.slice(100));
      });
    const big = JSON.stringify({ model: 'triage', messages: [{ role: 'user', content: 'x'.repeat(10_000) }] });
    await expectError(await chunked(big), 413, 'request_too_large');
    const small = await chunked(JSON.stringify({ model: 'triage', messages: hello }));
    expect(small.status).toBe(200);
  });

  it('answers 404 in the OpenAI shape for unknown paths', async () => {
    await expectError(await fetch(`${gateway.url}/v1/nothing-here`), 404, 'not_found');
  });
});

describe('upstream failures', () => {
  it('passes an upstream 4xx through with its body', async () => {
    const body = { error: { message: 'max_tokens is too large', type: 'invalid_request_error', code: 'bad_max_tokens' } };
    upstream.setBehaviour({ respondWith: { status: 422, body } });
    const response = await post({ model: 'triage/alwaysStrong', messages: hello });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual(body);
    const logged = await gateway.store.get(response.headers.get('x-triage-decision-id')!);
    expect(logged).toMatchObject({ status: 422, tier: 'strong' });
  });

  it('turns an upstream 5xx into 502', async () => {
    upstream.setBehaviour({ respondWith: { status: 503, body: { error: { message: 'overloaded' } } } });
    const response = await post({ model: 'triage/alwaysStrong', messages: hello });
    await expectError(response, 502, 'upstream_error');
  });

  it('turns a timeout into 504, streamed or not', async () => {
    upstream.setBehaviour({ headersDelayMs: 2000 });
    const response = await post({ model: 'triage/alwaysStrong', messages: hello });
    await expectError(response, 504, 'upstream_timeout');
    const streamed = await post({ model: 'triage/alwaysStrong', messages: hello, stream: true });
    await expectError(streamed, 504, 'upstream_timeout');
    const logged = await gateway.store.get(streamed.headers.get('x-triage-decision-id')!);
    expect(logged).toMatchObject({ status: 504, stream: true });
    expect(logged?.error).toContain('timed out');
  });

  it('turns a refused connection into 502', async () => {
    const closed = await startFakeUpstream();
    const url = closed.url;
    await closed.close();
    const refusing = await startTestGateway({ raw: testConfig(url) });
    try {
      const response = await fetch(`${refusing.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'triage/alwaysStrong', messages: hello }),
      });
      await expectError(response, 502, 'upstream_connection');
    } finally {
      await refusing.dispose();
    }
  });

  it('retries on the other model only when the router asks for it', async () => {
    upstream.setBehaviour({ respondWith: { status: 500, body: { error: { message: 'boom' } } } });
    weakUpstream.setBehaviour({ text: 'from the weak model' });
    const plain = await post({ model: 'triage/alwaysStrong', messages: hello });
    expect(plain.status).toBe(502);

    const response = await post({ model: 'triage/resilient', messages: hello });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { model: string; choices: Array<{ message: { content: string } }> };
    expect(body.model).toBe('fake-weak');
    expect(body.choices[0]?.message.content).toBe('from the weak model');
    expect(response.headers.get('x-triage-model')).toBe('fake-weak');
    const logged = await gateway.store.get(response.headers.get('x-triage-decision-id')!);
    expect(logged).toMatchObject({ status: 200, fallbackUsed: true, modelAlias: 'weak', tier: 'weak' });
    expect(logged?.reason).toContain('retried on weak');
  });

  it('reports a stream that breaks midway as an error event and logs it', async () => {
    upstream.setBehaviour({ chunks: 5, resetAfterEvents: 2, respondWith: undefined, headersDelayMs: 0 });
    const response = await post({ model: 'triage/alwaysStrong', messages: hello, stream: true });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('"upstream_');
    const logged = await gateway.store.get(response.headers.get('x-triage-decision-id')!);
    expect(logged?.status).toBe(502);
  });

  it('keeps serving after all of the above', async () => {
    upstream.setBehaviour({ respondWith: undefined, resetAfterEvents: undefined, headersDelayMs: 0 });
    const response = await post({ model: 'triage/alwaysStrong', messages: hello });
    expect(response.status).toBe(200);
  });
});

describe('gateway keys', () => {
  it('answers 401 without a key or with a wrong one, and serves with a right one', async () => {
    const guarded = await startTestGateway({ raw: testConfig(upstream.url), env: { TRIAGE_API_KEYS: 'gw-key-1, gw-key-2' } });
    try {
      const send = (auth?: string) =>
        fetch(`${guarded.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
          body: JSON.stringify({ model: 'triage/alwaysStrong', messages: hello }),
        });
      await expectError(await send(), 401, 'missing_api_key');
      await expectError(await send('Bearer wrong'), 401, 'invalid_api_key');
      expect((await send('Bearer gw-key-2')).status).toBe(200);
      // The gateway key is not forwarded upstream; the configured upstream key is.
      expect(upstream.requests.at(-1)!.headers.authorization).toBe('Bearer sk-upstream-secret-123');
      expect((await fetch(`${guarded.url}/healthz`)).status).toBe(200);
    } finally {
      await guarded.dispose();
    }
  });
});

describe('upstream keys', () => {
  it("forwards the client's own key when the gateway holds none and has no auth", async () => {
    const byo = await startTestGateway({ raw: testConfig(upstream.url), env: { FAKE_STRONG_KEY: '' } });
    try {
      const response = await fetch(`${byo.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-client-own' },
        body: JSON.stringify({ model: 'triage/alwaysStrong', messages: hello }),
      });
      expect(response.status).toBe(200);
      expect(upstream.requests.at(-1)!.headers.authorization).toBe('Bearer sk-client-own');
      // A provider that did not opt in never sees the client's key.
      const weak = await fetch(`${byo.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-client-own' },
        body: JSON.stringify({ model: 'triage/alwaysWeak', messages: hello }),
      });
      expect(weak.status).toBe(200);
      expect(upstream.requests.at(-1)!.body.model).toBe('fake-weak');
      expect(upstream.requests.at(-1)!.headers.authorization).toBeUndefined();
    } finally {
      await byo.dispose();
    }
  });
});

describe('scorer failures', () => {
  it('falls back to the strong model and keeps headers valid when a scorer throws an odd message', async () => {
    const broken = await startTestGateway({
      raw: testConfig(upstream.url),
      scorerFactory: async () => ({
        name: 'broken',
        score: async () => {
          throw new Error('model exploded\r\nx-injected: yes ✗');
        },
        close: async () => {},
      }),
      // This scorer fails its warm-up too: without degraded start the gateway would refuse to start.
      mutate: (config) => {
        config.server.allowDegradedStart = true;
      },
    });
    try {
      upstream.setBehaviour({});
      const response = await fetch(`${broken.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'triage/alwaysWeak', messages: hello }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-injected')).toBeNull();
      expect(response.headers.get('x-triage-reason')).toBe('scorer-error: model exploded??x-injected: yes ?');
      expect(response.headers.get('x-triage-model')).toBe('fake-strong');
      const logged = await broken.store.get(response.headers.get('x-triage-decision-id')!);
      expect(logged).toMatchObject({ tier: 'strong', fallbackUsed: true, status: 200 });
    } finally {
      await broken.dispose();
    }
  });
});

describe('client going away', () => {
  it('logs 499 when the client disconnects before the upstream answers', async () => {
    upstream.setBehaviour({ headersDelayMs: 150 });
    const controller = new AbortController();
    const pending = fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-triage-tags': 'probe=abort' },
      body: JSON.stringify({ model: 'triage/alwaysStrong', messages: hello }),
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toThrow();
    await expect
      .poll(async () => (await gateway.store.decisions({})).find((r) => r.tags['probe'] === 'abort')?.status, { timeout: 3000 })
      .toBe(499);
    upstream.setBehaviour({});
  });
});

describe('upstream headers', () => {
  it('passes rate-limit and retry-after headers through, on errors and on success', async () => {
    upstream.setBehaviour({
      respondWith: { status: 429, body: { error: { message: 'slow down', type: 'rate_limit_error' } } },
      responseHeaders: { 'retry-after': '7', 'x-ratelimit-remaining-requests': '0', 'x-request-id': 'req_123', 'set-cookie': 'secret=1' },
    });
    const limited = await post({ model: 'triage/alwaysStrong', messages: hello });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(limited.headers.get('x-request-id')).toBe('req_123');
    expect(limited.headers.get('set-cookie')).toBeNull();
    upstream.setBehaviour({ responseHeaders: { 'x-request-id': 'req_456' } });
    const ok = await post({ model: 'triage/alwaysStrong', messages: hello });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-request-id')).toBe('req_456');
    upstream.setBehaviour({});
  });

  it('answers 400, without calling or retrying upstream, when the body cannot be re-serialised', async () => {
    let deep = '0';
    for (let i = 0; i < 200_000; i++) deep = `[${deep}]`;
    // A gateway with the default 10 MiB body limit (the suite's gateway allows 4 KiB only).
    const roomy = await startTestGateway({ raw: testConfig(upstream.url, weakUpstream.url) });
    try {
      const before = upstream.requests.length + weakUpstream.requests.length;
      const response = await fetch(`${roomy.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"model":"triage/resilient","messages":[{"role":"user","content":"hi"}],"extra":${deep}}`,
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
      expect(upstream.requests.length + weakUpstream.requests.length).toBe(before);
    } finally {
      await roomy.dispose();
    }
  });
});
