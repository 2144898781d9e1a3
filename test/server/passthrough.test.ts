// /v1/embeddings, /v1/completions and GET /v1/models/{id} end to end: the official `openai` client
// over real HTTP to the gateway in front of the fake upstream, the SQLite rows they leave, the
// OpenAI-shaped errors, and the upstream key kept from the client (bodies, events, headers).

import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { startTestGateway, testConfig, type TestGateway } from '../support/gateway.ts';

const KEY = 'sk-upstream-secret-123';
let upstream: FakeUpstream;
let weakUpstream: FakeUpstream;
let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  weakUpstream = await startFakeUpstream();
  gateway = await startTestGateway({
    raw: testConfig(upstream.url, weakUpstream.url),
    mutate: (config) => {
      config.models['embed'] = {
        provider: 'strongProvider',
        id: 'fake-embed',
        pricePerMTok: { input: 0.02, output: 0 },
        deployments: [{ provider: 'strongProvider', id: 'fake-embed', weight: 1 }],
      };
      config.providers['weakProvider']!.timeoutMs = 300;
    },
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
});

afterAll(async () => {
  await gateway.dispose();
  await upstream.close();
  await weakUpstream.close();
});

async function row(id: string | null) {
  const found = id ? await gateway.store.get(id) : undefined;
  if (!found) throw new Error(`no log row for ${id}`);
  return found;
}

function post(path: string, body: string | object, headers: Record<string, string> = {}) {
  return fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function expectError(response: Response, status: number, code: string | null) {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(text).not.toContain(KEY);
  const body = JSON.parse(text) as { error: { message: string; type: string; code: string | null } };
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(typeof body.error.type).toBe('string');
  return body.error;
}

describe('GET /v1/models/{id}', () => {
  it('returns one entry of the list, for ids with and without a slash', async () => {
    const list = await client.models.list();
    for (const id of ['triage', 'triage/default', 'strong', 'embed']) {
      const model = await client.models.retrieve(id);
      expect(model).toEqual(list.data.find((m) => m.id === id));
      expect(model).toMatchObject({ id, object: 'model' });
      expect(typeof model.created).toBe('number');
      expect(typeof model.owned_by).toBe('string');
    }
    const encoded = await fetch(`${gateway.url}/v1/models/${encodeURIComponent('triage/alwaysWeak')}`);
    expect(await encoded.json()).toMatchObject({ id: 'triage/alwaysWeak', strong: 'strong', weak: 'weak' });
  });

  it('gives 404 in OpenAI shape for unknown ids and prototype keys', async () => {
    for (const id of ['nope', 'constructor', '__proto__', 'toString', 'triage/constructor', 'hasOwnProperty']) {
      const response = await fetch(`${gateway.url}/v1/models/${id}`);
      const error = await expectError(response, 404, 'model_not_found');
      expect(error.message).toContain(id);
    }
    await expect(client.models.retrieve('constructor')).rejects.toMatchObject({ status: 404 });
  });
});

describe('POST /v1/embeddings', () => {
  it('passes through with the upstream id, decodes with the SDK, and logs tokens and cost', async () => {
    upstream.setBehaviour({ usage: { prompt_tokens: 1000, completion_tokens: 0, cached_tokens: 0 }, embeddingDimensions: 3 });
    const { data, response } = await client.embeddings.create({ model: 'embed', input: ['first', 'second'], dimensions: 3 }).withResponse();
    expect(data.data.map((d) => d.embedding)).toEqual([
      [1, 0.5, 0.25],
      [2, 0.5, 0.25],
    ]);
    expect(data.usage.prompt_tokens).toBe(1000);
    const sent = upstream.requests.at(-1)!;
    expect(sent.path).toBe('/v1/embeddings');
    // model replaced, every other field (the SDK's encoding_format, dimensions, input) untouched.
    expect(sent.body).toEqual({ model: 'fake-embed', input: ['first', 'second'], dimensions: 3, encoding_format: 'base64' });
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(response.headers.get('x-triage-model')).toBe('fake-embed');
    const logged = await row(response.headers.get('x-triage-decision-id'));
    expect(logged).toMatchObject({ kind: 'embeddings', router: null, modelAlias: 'embed', modelId: 'fake-embed', status: 200, stream: false, promptTokens: 1000, completionTokens: 0 });
    expect(logged.costUsd).toBeCloseTo(0.00002, 12);
  });

  it('accepts the upstream id as the model name too', async () => {
    upstream.setBehaviour({});
    const created = await client.embeddings.create({ model: 'fake-embed', input: 'x', encoding_format: 'float' });
    expect(created.data[0]?.embedding).toHaveLength(4);
    expect(upstream.requests.at(-1)!.body.model).toBe('fake-embed');
  });

  it('answers 502 instead of buffering an upstream body over the 32 MiB cap', async () => {
    upstream.setBehaviour({ respondWith: { status: 200, body: `{"data":"${'x'.repeat(33 * 1024 * 1024)}"}` } });
    const response = await post('/v1/embeddings', { model: 'embed', input: 'x' });
    const error = await expectError(response, 502, 'upstream_bad_response');
    expect(error.message).toContain('larger than 33554432 bytes');
    upstream.setBehaviour({});
  });

  it('refuses router names with a 400 that says why, and logs the rejection', async () => {
    for (const model of ['triage', 'triage/default', 'router-random-0.5']) {
      const response = await post('/v1/embeddings', { model, input: 'x' });
      const error = await expectError(response, 400, 'model_not_routable');
      expect(error.message).toMatch(/router.*embeddings/);
    }
    const rows = await gateway.store.decisions({ limit: 1 });
    expect(rows[0]).toMatchObject({ kind: 'embeddings', status: 400, reason: 'rejected' });
  });

  it('rejects bad bodies, unknown and prototype-key models with a 400 in OpenAI shape', async () => {
    await expectError(await post('/v1/embeddings', '{"model":'), 400, 'invalid_json');
    await expectError(await post('/v1/embeddings', { model: 'embed' }), 400, 'invalid_value');
    await expectError(await post('/v1/embeddings', { input: 'x' }), 400, 'invalid_model');
    for (const model of ['nope', 'constructor', '__proto__', 'toString', 'triage/constructor', 'triage/__proto__']) {
      await expectError(await post('/v1/embeddings', { model, input: 'x' }), 400, 'model_not_found');
    }
  });
});

describe('POST /v1/completions', () => {
  it('passes a plain completion through and logs usage', async () => {
    upstream.setBehaviour({ text: 'once upon a time', usage: { prompt_tokens: 100, completion_tokens: 50, cached_tokens: 0 } });
    const { data, response } = await client.completions.create({ model: 'strong', prompt: 'Tell a story', max_tokens: 9, echo: false }).withResponse();
    expect(data.choices[0]?.text).toBe('once upon a time');
    expect(upstream.requests.at(-1)!.body).toEqual({ model: 'fake-strong', prompt: 'Tell a story', max_tokens: 9, echo: false });
    expect(upstream.requests.at(-1)!.path).toBe('/v1/completions');
    const logged = await row(response.headers.get('x-triage-decision-id'));
    expect(logged).toMatchObject({ kind: 'completions', router: null, modelAlias: 'strong', status: 200, promptTokens: 100, completionTokens: 50 });
    expect(logged.costUsd).toBeCloseTo((100 * 2 + 50 * 8) / 1e6, 12);
  });

  it('streams as SSE, passing chunks through, with usage when the client asks for it', async () => {
    upstream.setBehaviour({ text: 'abcdef', chunks: 3, usage: { prompt_tokens: 10, completion_tokens: 6, cached_tokens: 0 } });
    const { data: stream, response } = await client.completions
      .create({ model: 'strong', prompt: 'letters', stream: true, stream_options: { include_usage: true } })
      .withResponse();
    const texts: string[] = [];
    let usage: unknown;
    for await (const chunk of stream) {
      if (chunk.choices[0]) texts.push(chunk.choices[0].text);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(texts.join('')).toBe('abcdef');
    expect(usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 6 });
    expect(upstream.requests.at(-1)!.body.stream_options).toEqual({ include_usage: true });
    await gateway.store.flush();
    const logged = await row(response.headers.get('x-triage-decision-id'));
    expect(logged).toMatchObject({ kind: 'completions', stream: true, status: 200, promptTokens: 10, completionTokens: 6 });
  });

  it('routes triage names on the prompt text as the last user turn', async () => {
    const { response } = await client.completions.create({ model: 'triage/alwaysWeak', prompt: ['route me'] }).withResponse();
    expect(response.headers.get('x-triage-router')).toBe('alwaysWeak');
    expect(weakUpstream.requests.at(-1)!.body).toEqual({ model: 'fake-weak', prompt: ['route me'] });
    const logged = await row(response.headers.get('x-triage-decision-id'));
    expect(logged).toMatchObject({ kind: 'completions', router: 'alwaysWeak', tier: 'weak', modelAlias: 'weak' });
    const sameRoute = await (await post('/v1/route', { model: 'triage/alwaysWeak', messages: [{ role: 'user', content: 'route me' }] })).json();
    expect(logged.promptHash).toBe((await row(sameRoute.id)).promptHash);
  });

  it('maps upstream failures like chat: 4xx through, 5xx to 502, refused to 502, timeout to 504', async () => {
    upstream.setBehaviour({ respondWith: { status: 429, body: { error: { message: 'slow down', type: 'rate_limit', code: 'rate_limited' } } }, responseHeaders: { 'retry-after': '3' } });
    const limited = await post('/v1/completions', { model: 'strong', prompt: 'x' });
    expect(limited.headers.get('retry-after')).toBe('3');
    await expectError(limited, 429, 'rate_limited');
    upstream.setBehaviour({ respondWith: { status: 500, body: 'boom' } });
    await expectError(await post('/v1/completions', { model: 'strong', prompt: 'x' }), 502, 'upstream_error');
    upstream.setBehaviour({});
    weakUpstream.setBehaviour({ headersDelayMs: 1000 });
    await expectError(await post('/v1/completions', { model: 'weak', prompt: 'x' }), 504, 'upstream_timeout');
    weakUpstream.setBehaviour({});
    const refused = await startTestGateway({ raw: testConfig('http://127.0.0.1:9/v1') });
    try {
      const response = await fetch(`${refused.url}/v1/completions`, { method: 'POST', body: JSON.stringify({ model: 'strong', prompt: 'x' }) });
      await expectError(response, 502, 'upstream_connection');
    } finally {
      await refused.dispose();
    }
  });

  it('ends a broken or truncated stream with an error event and logs it as failed', async () => {
    upstream.setBehaviour({ resetAfterEvents: 2 });
    const broken = await post('/v1/completions', { model: 'strong', prompt: 'x', stream: true });
    const brokenText = await broken.text();
    expect(brokenText).toContain('"code":"upstream_connection"');
    upstream.setBehaviour({ endAfterEvents: 1 });
    const cut = await post('/v1/completions', { model: 'strong', prompt: 'x', stream: true });
    expect(await cut.text()).toContain('upstream_truncated');
    await gateway.store.flush();
    expect(await row(broken.headers.get('x-triage-decision-id'))).toMatchObject({ status: 502 });
    expect(await row(cut.headers.get('x-triage-decision-id'))).toMatchObject({ status: 502 });
    upstream.setBehaviour({});
  });
});

describe('the upstream key never reaches the client', () => {
  const echoing = { 'x-request-id': `req for Bearer ${KEY}`, 'x-ratelimit-remaining-requests': KEY };

  it('is scrubbed from error bodies (literal or JSON-escaped) and pass-through headers', async () => {
    upstream.setBehaviour({ respondWith: { status: 401, body: { error: { message: `key Bearer ${KEY} was revoked`, type: 'auth', code: 'revoked' } } }, responseHeaders: echoing });
    for (const path of ['/v1/embeddings', '/v1/completions', '/v1/responses']) {
      const response = await post(path, { model: 'strong', input: 'x', prompt: 'x' });
      expect(response.headers.get('x-request-id')).toBe('req for Bearer [redacted]');
      expect([...response.headers.values()].join(' ')).not.toContain(KEY);
      const error = await expectError(response, 401, 'revoked');
      expect(error.message).toContain('[redacted]');
    }
    const escaped = `{"error":{"message":"key \\u0073k-upstream-secret-123 \\/ revoked","type":"auth","code":"revoked"}}`;
    upstream.setBehaviour({ respondWith: { status: 403, body: escaped, contentType: 'application/json' } });
    const response = await post('/v1/completions', { model: 'strong', prompt: 'x' });
    expect(JSON.parse(await response.clone().text()).error.message).not.toContain(KEY);
    await expectError(response, 403, 'revoked');
  });

  it('is scrubbed from successful JSON bodies and from stream events, and the SDK never sees it', async () => {
    upstream.setBehaviour({ text: `the key is ${KEY}`, responseHeaders: echoing });
    const completion = await client.completions.create({ model: 'strong', prompt: 'x' });
    expect(completion.choices[0]?.text).toBe('the key is [redacted]');
    upstream.setBehaviour({ chunks: 1, text: `the key is ${KEY}`, errorEventAfterEvents: 1, errorEventMessage: `key ${KEY} revoked`, responseHeaders: echoing });
    const response = await post('/v1/completions', { model: 'strong', prompt: 'x', stream: true });
    const text = await response.text();
    expect([...response.headers.values()].join(' ')).not.toContain(KEY);
    expect(text).not.toContain(KEY);
    expect(text).toContain('key [redacted] revoked');
    await gateway.store.flush();
    const logged = await row(response.headers.get('x-triage-decision-id'));
    expect(logged.status).toBe(502);
    expect(JSON.stringify(logged)).not.toContain(KEY);
    upstream.setBehaviour({});
  });
});
