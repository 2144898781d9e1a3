// /v1/route, /v1/models, /healthz and /metrics.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { keyId } from '../../src/server/middleware/auth.ts';
import { startTestGateway, testConfig, type TestGateway } from '../support/gateway.ts';

let upstream: FakeUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  gateway = await startTestGateway({ raw: testConfig(upstream.url) });
});

afterAll(async () => {
  await gateway.dispose();
  await upstream.close();
});

describe('POST /v1/route', () => {
  it('returns the decision without calling upstream, and logs it', async () => {
    const before = upstream.requests.length;
    const response = await fetch(`${gateway.url}/v1/route`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'triage', messages: [{ role: 'user', content: 'Prove Fermat’s little theorem.' }] }),
    });
    expect(response.status).toBe(200);
    const decision = (await response.json()) as Record<string, unknown>;
    expect(upstream.requests.length).toBe(before);
    expect(decision).toMatchObject({ router: 'default', threshold: 0.5, scorer: 'random:seed=7' });
    expect(['strong', 'weak']).toContain(decision['tier']);
    expect(decision['model']).toBe(decision['tier']);
    expect(decision['model_id']).toBe(decision['tier'] === 'strong' ? 'fake-strong' : 'fake-weak');
    expect(typeof decision['score']).toBe('number');
    expect(decision['reason']).toBe((decision['score'] as number) >= 0.5 ? 'score>=threshold' : 'score<threshold');
    expect(decision['decision_ms']).toBeGreaterThanOrEqual(0);
    const logged = await gateway.store.get(decision['id'] as string);
    expect(logged).toMatchObject({ kind: 'route', score: decision['score'], tier: decision['tier'] });
  });

  it('gives the same seeded score for the same prompt and validates like chat', async () => {
    const ask = () =>
      fetch(`${gateway.url}/v1/route`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'triage', messages: [{ role: 'user', content: 'same prompt' }] }),
      }).then((r) => r.json() as Promise<{ score: number }>);
    expect((await ask()).score).toBe((await ask()).score);
    const bad = await fetch(`${gateway.url}/v1/route`, { method: 'POST', body: '{}' });
    expect(bad.status).toBe(400);
  });
});

describe('GET endpoints', () => {
  it('lists routers and models in the OpenAI list format', async () => {
    const body = (await (await fetch(`${gateway.url}/v1/models`)).json()) as { object: string; data: Array<{ id: string; object: string }> };
    expect(body.object).toBe('list');
    const ids = body.data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['triage', 'triage/default', 'triage/alwaysWeak', 'strong', 'weak']));
    expect(body.data.every((m) => m.object === 'model')).toBe(true);
  });

  it('answers health', async () => {
    const response = await fetch(`${gateway.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });

  it('exposes Prometheus metrics for requests, decisions, latency, tokens and cost', async () => {
    upstream.setBehaviour({ usage: { prompt_tokens: 100, completion_tokens: 10, cached_tokens: 0 } });
    await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'triage/alwaysStrong', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const response = await fetch(`${gateway.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('triage_requests_total{model="strong",router="alwaysStrong",status="200"} 1');
    expect(text).toMatch(/triage_decision_seconds_bucket\{router="alwaysStrong",le="0.001"\} \d+/);
    expect(text).toContain('triage_upstream_latency_seconds_count{model="strong"} 1');
    expect(text).toContain('triage_tokens_total{model="strong",type="prompt"} 100');
    expect(text).toMatch(/triage_cost_usd_total\{model="strong"\} 0\.00028/);
    expect(text).toContain('triage_log_dropped_rows 0');
  });
});

describe('POST /v1/feedback', () => {
  it('stores an outcome for a logged decision and rejects bad input', async () => {
    const routed = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'triage/alwaysWeak', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const id = routed.headers.get('x-triage-decision-id')!;
    const send = (body: unknown) =>
      fetch(`${gateway.url}/v1/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const ok = await send({ decision_id: id, thumbs: 'down', label: 'strong_needed' });
    expect(ok.status).toBe(201);
    expect(await gateway.store.outcomes(id)).toMatchObject([{ decisionId: id, source: 'feedback', rating: 0, label: 'strong_needed' }]);
    expect((await send({ decision_id: id })).status).toBe(400);
    expect((await send({ decision_id: id, rating: 'great' })).status).toBe(400);
    expect((await send({ decision_id: id, rating: -1 })).status).toBe(400);
    expect((await send({ decision_id: id, rating: 1.5 })).status).toBe(400);
    expect((await send({ decision_id: id, label: 'needs-strong' })).status).toBe(400);
    expect((await send({ decision_id: id, rating: 1, thumbs: 'up' })).status).toBe(400);
    const judge = await send({ decision_id: id, rating: 1, source: 'judge' });
    expect(judge.status).toBe(400);
    expect(((await judge.json()) as { error: { message: string } }).error.message).toContain('source must be one of feedback, user, app');
    // The same source again replaces its outcome (no poisoning by repetition).
    for (let i = 0; i < 20; i++) expect((await send({ decision_id: id, rating: 0.25, source: 'user' })).status).toBe(201);
    expect(await gateway.store.outcomes(id)).toHaveLength(2);
    const missing = await send({ decision_id: 'dec_nope', rating: 1 });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('decision_not_found');
  });
});

describe('POST /v1/feedback with gateway keys', () => {
  it('lets a key rate only the decisions made under it', async () => {
    const keyed = await startTestGateway({ raw: testConfig(upstream.url), env: { TRIAGE_API_KEYS: 'gw-key-alice,gw-key-bob' } });
    try {
      const as = (key: string, path: string, body: unknown) =>
        fetch(`${keyed.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
      const routed = await as('gw-key-alice', '/v1/chat/completions', { model: 'triage/alwaysWeak', messages: [{ role: 'user', content: 'hi' }] });
      const id = routed.headers.get('x-triage-decision-id') ?? '';
      expect((await keyed.store.get(id))?.keyId).toBe(keyId('gw-key-alice'));
      expect((await as('gw-key-bob', '/v1/feedback', { decision_id: id, thumbs: 'up' })).status).toBe(404);
      expect((await as('gw-key-alice', '/v1/feedback', { decision_id: id, thumbs: 'up' })).status).toBe(201);
      expect(await keyed.store.outcomes(id)).toMatchObject([{ source: 'feedback', rating: 1 }]);
      expect(JSON.stringify(await keyed.store.get(id))).not.toContain('gw-key-alice');
    } finally {
      await keyed.dispose();
    }
  });
});

describe('server.logPrompts', () => {
  it('stores the last user turn only when the config asks', async () => {
    const logging = await startTestGateway({ raw: testConfig(upstream.url, upstream.url, { server: { logPrompts: true } }) });
    try {
      const response = await fetch(`${logging.url}/v1/route`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'triage', messages: [{ role: 'system', content: 'secret system prompt' }, { role: 'user', content: 'Keep this text' }] }),
      });
      const { id } = (await response.json()) as { id: string };
      expect((await logging.store.get(id))?.promptText).toBe('Keep this text');
    } finally {
      await logging.dispose();
    }
  });
});
