// Regression tests for the gateway-hardening defects: key leaks through stream events, headers and
// the log; metrics cardinality; prototype keys as model names; fallback when a stream fails before
// its first byte; malformed stream data; circuit breaking; unknown modes; TTFB on upstream 4xx.
// Each runs the real gateway on 127.0.0.1 in front of fake upstreams, with a real SQLite log.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { startTestGateway, testConfig, type TestGateway } from '../support/gateway.ts';

const KEY = 'sk-upstream-secret-123';
const hello = [{ role: 'user', content: 'hello' }];

let strong: FakeUpstream;
let weak: FakeUpstream;
let gateway: TestGateway;

function post(body: object, headers: Record<string, string> = {}, path = '/v1/chat/completions'): Promise<Response> {
  return fetch(`${gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

async function row(response: Response) {
  const id = response.headers.get('x-triage-decision-id');
  expect(id).toMatch(/^dec_/);
  await gateway.store.flush();
  return gateway.store.get(id ?? '');
}

beforeAll(async () => {
  strong = await startFakeUpstream({ text: 'strong answer' });
  weak = await startFakeUpstream({ text: 'weak answer' });
  gateway = await startTestGateway({
    raw: testConfig(strong.url, weak.url),
    mutate: (config) => {
      config.providers['strongProvider']!.timeoutMs = 400;
    },
  });
});
afterEach(() => {
  strong.setBehaviour({});
  weak.setBehaviour({});
});
afterAll(async () => {
  await gateway.dispose();
  await strong.close();
  await weak.close();
});

describe('no key leaks', () => {
  it('scrubs the key from a mid-stream error event, the pass-through headers and the log', async () => {
    const first = { id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }] };
    const revoked = { error: { message: `key Bearer ${KEY} was revoked`, type: 'invalid_request_error' } };
    strong.setBehaviour({
      respondWith: { status: 200, body: `data: ${JSON.stringify(first)}\n\ndata: ${JSON.stringify(revoked)}\n\ndata: [DONE]\n\n`, contentType: 'text/event-stream' },
      responseHeaders: { 'x-request-id': `req ${KEY}` },
    });
    const response = await post({ model: 'triage/alwaysStrong', stream: true, messages: hello });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('was revoked');
    expect(text).not.toContain(KEY);
    expect(response.headers.get('x-request-id')).toBe('req [redacted]');
    const logged = await row(response);
    expect(logged).toMatchObject({ status: 502 });
    expect(logged?.error).toContain('[redacted]');
    expect(JSON.stringify(logged)).not.toContain(KEY);
  });
});

describe('bounded metrics', () => {
  it('keeps /metrics small whatever router names clients send', async () => {
    const before = (await (await fetch(`${gateway.url}/metrics`)).text()).length;
    for (let i = 0; i < 200; i++) {
      const response = await post({ model: `router-random-0.${String(i).padStart(4, '0')}1`, messages: hello }, {}, '/v1/route');
      expect(response.status).toBe(200);
    }
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toContain('router="router-random"');
    expect(metrics).not.toContain('router-random-0.');
    expect(metrics.length - before).toBeLessThan(5_000);
  });
});

describe('prototype keys as model names', () => {
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'triage/constructor', 'triage/__proto__']) {
    it(`answers 400 model_not_found for "${name}" and logs the rejection`, async () => {
      for (const path of ['/v1/chat/completions', '/v1/route']) {
        const response = await post({ model: name, messages: hello }, {}, path);
        expect(response.status).toBe(400);
        const body = (await response.json()) as { error: { code: string } };
        expect(body.error.code).toBe('model_not_found');
      }
      await gateway.store.flush();
      const rows = (await gateway.store.decisions({ limit: 2 })).filter((r) => r.reason === 'rejected' && r.status === 400);
      expect(rows).toHaveLength(2);
    });
  }
});

describe('fallback before the first byte', () => {
  for (const failure of ['reset', 'stall', 'error-event', 'malformed'] as const) {
    it(`retries a stream that fails before its first chunk (${failure}) on the other model`, async () => {
      strong.setBehaviour({ failBeforeFirstEvent: failure });
      const response = await post({ model: 'triage/resilient', stream: true, messages: hello });
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toContain('weak');
      expect(text).not.toContain('"error"');
      expect(text.trim().endsWith('data: [DONE]')).toBe(true);
      const logged = await row(response);
      expect(logged).toMatchObject({ status: 200, fallbackUsed: true, modelAlias: 'weak', tier: 'weak' });
      expect(logged?.reason).toContain('retried on weak');
      strong.releaseStream();
    });
  }

  it('does not retry without a fallback: the failure reaches the client as an error, logged 502/504', async () => {
    strong.setBehaviour({ failBeforeFirstEvent: 'malformed' });
    const response = await post({ model: 'triage/alwaysStrong', stream: true, messages: hello });
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('upstream_bad_response');
    expect(await row(response)).toMatchObject({ status: 502, fallbackUsed: false });
  });
});

describe('malformed JSON inside a stream', () => {
  it('ends the stream with an error event and logs 502, never forwarding the broken data', async () => {
    const first = { id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }] };
    strong.setBehaviour({ respondWith: { status: 200, body: `data: ${JSON.stringify(first)}\n\ndata: {"choices": [\n\ndata: [DONE]\n\n`, contentType: 'text/event-stream' } });
    const response = await post({ model: 'triage/alwaysStrong', stream: true, messages: hello });
    const text = await response.text();
    expect(text).not.toContain('{"choices": [\n');
    expect(text).toContain('upstream_bad_response');
    expect(await row(response)).toMatchObject({ status: 502 });
  });
});

describe('unknown mode', () => {
  it('warns in x-triage-warnings and scores the request', async () => {
    const response = await post({ model: 'triage', messages: hello }, { 'x-triage-mode': 'wizardry' }, '/v1/route');
    expect(response.headers.get('x-triage-warnings')).toContain('unknown mode "wizardry"');
    const body = (await response.json()) as { reason: string; warnings: string[] };
    expect(body.reason).toMatch(/^score/);
    expect(body.warnings).toHaveLength(1);
  });
});

describe('upstream 4xx', () => {
  it('records the time to first byte', async () => {
    strong.setBehaviour({ respondWith: { status: 400, body: { error: { message: 'bad temperature', type: 'invalid_request_error' } } } });
    const response = await post({ model: 'triage/alwaysStrong', messages: hello });
    expect(response.status).toBe(400);
    const logged = await row(response);
    expect(logged?.ttfbMs).not.toBeNull();
    expect(logged?.ttfbMs).toBeGreaterThan(0);
  });
});

describe('circuit breaker', () => {
  let breakerGateway: TestGateway;
  let flaky: FakeUpstream;
  beforeAll(async () => {
    flaky = await startFakeUpstream({ respondWith: { status: 503, body: 'down', contentType: 'text/plain' } });
    breakerGateway = await startTestGateway({
      raw: testConfig(flaky.url, weak.url, { server: { circuitBreaker: { failureThreshold: 3, cooldownMs: 200 } } }),
    });
  });
  afterAll(async () => {
    await breakerGateway.dispose();
    await flaky.close();
  });
  const send = () =>
    fetch(`${breakerGateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'triage/alwaysStrong', messages: hello }),
    });

  it('opens after N consecutive failures, skips the provider, shows it, probes after the cooldown and closes on success', async () => {
    for (let i = 0; i < 3; i++) expect((await send()).status).toBe(502);
    expect(flaky.requests).toHaveLength(3);
    const refused = await send();
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('upstream_circuit_open');
    expect(flaky.requests).toHaveLength(3); // not called while open
    const health = (await (await fetch(`${breakerGateway.url}/healthz`)).json()) as { status: string; providers: Record<string, { circuit: string }> };
    expect(health.status).toBe('degraded');
    expect(health.providers['strongProvider']?.circuit).toBe('open');
    const metrics = await (await fetch(`${breakerGateway.url}/metrics`)).text();
    expect(metrics).toContain('triage_circuit_state{provider="strongProvider",state="open"} 1');

    await expect.poll(async () => ((await (await fetch(`${breakerGateway.url}/healthz`)).json()) as typeof health).providers['strongProvider']?.circuit, { timeout: 5000 }).toBe('half-open');
    flaky.setBehaviour({ respondWith: undefined });
    expect((await send()).status).toBe(200); // the probe
    expect(flaky.requests).toHaveLength(4);
    const after = (await (await fetch(`${breakerGateway.url}/healthz`)).json()) as typeof health;
    expect(after.providers['strongProvider']?.circuit).toBe('closed');
  });

  it('falls back past an open circuit without calling the provider', async () => {
    flaky.setBehaviour({ respondWith: { status: 503, body: 'down', contentType: 'text/plain' } });
    for (let i = 0; i < 3; i++) await send();
    const calls = flaky.requests.length;
    const response = await fetch(`${breakerGateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'triage/resilient', messages: hello }),
    });
    expect(response.status).toBe(200);
    expect(flaky.requests.length).toBe(calls);
    expect(response.headers.get('x-triage-reason')).toContain('circuit_open');
  });
});
