// retryOnOtherModel over real HTTP, one row per retryable failure class: an upstream 5xx, a timeout
// and a refused connection (a closed port on loopback) are each retried once on the other model,
// in both directions; a 4xx and a client error are not. Every retry counts in
// triage_fallbacks_total, and so does a scorer failure.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeBehaviour, type FakeUpstream } from '../support/fake-upstream.ts';
import { startTestGateway, testConfig, type TestGateway } from '../support/gateway.ts';

const UPSTREAM_TIMEOUT_MS = 300;

/** A port on 127.0.0.1 that nothing listens on: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const extraRouters = {
  // threshold 1: every prompt goes to the weak model first, so a retry goes to the strong one.
  resilientWeak: { strong: 'strong', weak: 'weak', scorer: 'random', seed: 7, threshold: 1, retryOnOtherModel: true },
};

function routersWith(raw: Record<string, unknown>): Record<string, unknown> {
  return { ...raw, routers: { ...(raw['routers'] as Record<string, unknown>), ...extraRouters } };
}

async function post(gateway: TestGateway, model: string, extra: Record<string, unknown> = {}) {
  return fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }], ...extra }),
  });
}

async function metric(gateway: TestGateway, line: string): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found ? Number(found.slice(line.length + 1)) : 0;
}

let strong: FakeUpstream;
let weak: FakeUpstream;
let gateway: TestGateway;
let refusedStrong: TestGateway;
let refusedWeak: TestGateway;

beforeAll(async () => {
  strong = await startFakeUpstream({ text: 'from strong' });
  weak = await startFakeUpstream({ text: 'from weak' });
  const timeouts = (config: { providers: Record<string, { timeoutMs?: number }> }) => {
    for (const provider of Object.values(config.providers)) provider.timeoutMs = UPSTREAM_TIMEOUT_MS;
  };
  gateway = await startTestGateway({ raw: routersWith(testConfig(strong.url, weak.url)), mutate: timeouts });
  const closed = `http://127.0.0.1:${await closedPort()}/v1`;
  refusedStrong = await startTestGateway({ raw: routersWith(testConfig(closed, weak.url)), mutate: timeouts });
  refusedWeak = await startTestGateway({ raw: routersWith(testConfig(strong.url, closed)), mutate: timeouts });
});

afterAll(async () => {
  await Promise.all([gateway.dispose(), refusedStrong.dispose(), refusedWeak.dispose()]);
  await Promise.all([strong.close(), weak.close()]);
});

type Side = 'strong' | 'weak';
interface RetryCase {
  name: string;
  /** Which model is chosen first (the router), and so which one fails. */
  first: Side;
  /** Makes the first model fail; returns the gateway to use. */
  breakFirst: () => TestGateway;
  /** Text the log row's reason must contain after "retried on <other> after ". */
  failure: RegExp;
}

const failing = (side: Side, behaviour: Partial<FakeBehaviour>) => () => {
  (side === 'strong' ? strong : weak).setBehaviour(behaviour);
  return gateway;
};

const cases: RetryCase[] = [
  { name: 'HTTP 500', first: 'strong', breakFirst: failing('strong', { respondWith: { status: 500, body: { error: { message: 'boom' } } } }), failure: /upstream status 500/ },
  { name: 'HTTP 502', first: 'strong', breakFirst: failing('strong', { respondWith: { status: 502, body: 'bad gateway', contentType: 'text/plain' } }), failure: /upstream status 502/ },
  { name: 'HTTP 503', first: 'weak', breakFirst: failing('weak', { respondWith: { status: 503, body: { error: { message: 'overloaded' } } } }), failure: /upstream status 503/ },
  { name: 'timeout', first: 'strong', breakFirst: failing('strong', { headersDelayMs: UPSTREAM_TIMEOUT_MS * 5 }), failure: /timeout/ },
  { name: 'timeout', first: 'weak', breakFirst: failing('weak', { headersDelayMs: UPSTREAM_TIMEOUT_MS * 5 }), failure: /timeout/ },
  { name: 'refused connection', first: 'strong', breakFirst: () => refusedStrong, failure: /connection: .*ECONNREFUSED/ },
  { name: 'refused connection', first: 'weak', breakFirst: () => refusedWeak, failure: /connection: .*ECONNREFUSED/ },
];

describe('retryOnOtherModel retries every retryable failure class once on the other model', () => {
  it.each(cases.map((c) => [c.name, c.first, c] as const))('%s on the %s model', async (_name, first, c) => {
    strong.setBehaviour({ text: 'from strong' });
    weak.setBehaviour({ text: 'from weak' });
    const target = c.breakFirst();
    const other: Side = first === 'strong' ? 'weak' : 'strong';
    const router = first === 'strong' ? 'resilient' : 'resilientWeak';
    const fallbacksBefore = await metric(target, `triage_fallbacks_total{reason="upstream",router="${router}"}`);
    const otherUpstream = other === 'strong' ? strong : weak;
    const otherRequestsBefore = otherUpstream.requests.length;

    const response = await post(target, `triage/${router}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { model: string; choices: Array<{ message: { content: string } }> };
    expect(body.model).toBe(`fake-${other}`);
    expect(body.choices[0]?.message.content).toBe(`from ${other}`);
    expect(response.headers.get('x-triage-model')).toBe(`fake-${other}`);
    expect(otherUpstream.requests.length).toBe(otherRequestsBefore + 1);

    const logged = await target.store.get(response.headers.get('x-triage-decision-id')!);
    expect(logged).toMatchObject({ status: 200, fallbackUsed: true, modelAlias: other, modelId: `fake-${other}`, tier: other });
    expect(logged?.reason).toMatch(new RegExp(`; retried on ${other} after ${first}: ${c.failure.source}`));
    expect(await metric(target, `triage_fallbacks_total{reason="upstream",router="${router}"}`)).toBe(fallbacksBefore + 1);
  });
});

describe('what is not retried', () => {
  it('does not retry an upstream 4xx other than 429: it passes through', async () => {
    strong.setBehaviour({ respondWith: { status: 400, body: { error: { message: 'bad temperature', type: 'invalid_request_error' } } } });
    weak.setBehaviour({ text: 'from weak' });
    const weakBefore = weak.requests.length;
    const response = await post(gateway, 'triage/resilient');
    expect(response.status).toBe(400);
    expect(weak.requests.length).toBe(weakBefore);
    const logged = await gateway.store.get(response.headers.get('x-triage-decision-id')!);
    expect(logged).toMatchObject({ status: 400, fallbackUsed: false, modelAlias: 'strong' });
  });

  it('retries a 429 on the other model, and passes it through when there is none', async () => {
    strong.setBehaviour({ respondWith: { status: 429, body: { error: { message: 'slow down', type: 'rate_limit' } } } });
    weak.setBehaviour({ text: 'from weak' });
    const retried = await post(gateway, 'triage/resilient');
    expect(retried.status).toBe(200);
    expect(await gateway.store.get(retried.headers.get('x-triage-decision-id')!)).toMatchObject({ status: 200, fallbackUsed: true, modelAlias: 'weak' });
    const alone = await post(gateway, 'triage/alwaysStrong');
    expect(alone.status).toBe(429);
  });

  it('retries only once: both models failing is a 502 logged as a fallback', async () => {
    strong.setBehaviour({ respondWith: { status: 500, body: { error: { message: 'a' } } } });
    weak.setBehaviour({ respondWith: { status: 500, body: { error: { message: 'b' } } } });
    const [strongBefore, weakBefore] = [strong.requests.length, weak.requests.length];
    const response = await post(gateway, 'triage/resilient');
    expect(response.status).toBe(502);
    expect(strong.requests.length).toBe(strongBefore + 1);
    expect(weak.requests.length).toBe(weakBefore + 1);
    const logged = await gateway.store.get(response.headers.get('x-triage-decision-id')!);
    expect(logged).toMatchObject({ status: 502, fallbackUsed: true, modelAlias: 'weak' });
  });

  it('does not retry without retryOnOtherModel, and counts no fallback', async () => {
    strong.setBehaviour({ respondWith: { status: 500, body: { error: { message: 'boom' } } } });
    const weakBefore = weak.requests.length;
    const before = await metric(gateway, 'triage_fallbacks_total{reason="upstream",router="alwaysStrong"}');
    const response = await post(gateway, 'triage/alwaysStrong');
    expect(response.status).toBe(502);
    expect(weak.requests.length).toBe(weakBefore);
    expect(await metric(gateway, 'triage_fallbacks_total{reason="upstream",router="alwaysStrong"}')).toBe(before);
  });
});

describe('triage_fallbacks_total', () => {
  it('counts a scorer failure that sent the request to the strong model', async () => {
    strong.setBehaviour({ text: 'from strong' });
    const broken = await startTestGateway({
      raw: testConfig(strong.url, weak.url),
      scorerFactory: async () => {
        throw new Error('model file missing');
      },
      mutate: (config) => {
        config.server.allowDegradedStart = true;
      },
    });
    try {
      for (let i = 1; i <= 2; i++) {
        const response = await post(broken, 'triage/alwaysWeak');
        expect(response.status).toBe(200);
        expect(response.headers.get('x-triage-model')).toBe('fake-strong');
        expect(await metric(broken, 'triage_fallbacks_total{reason="scorer-error",router="alwaysWeak"}')).toBe(i);
      }
    } finally {
      await broken.dispose();
    }
  });
});
