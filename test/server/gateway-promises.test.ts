// README promises checked over real HTTP against fake upstreams on loopback: `metadata.mode` is a
// mode signal like the x-triage-mode header; gateway keys are accepted in `x-api-key` as well as
// `Authorization: Bearer`; a stream that goes quiet mid-way ends with a timeout error and is logged
// 504; cached tokens on a model without a cachedInput price are billed at the input price.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { startTestGateway, testConfig, type TestGateway } from '../support/gateway.ts';

let upstream: FakeUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  gateway = await startTestGateway({
    raw: testConfig(upstream.url),
    mutate: (config) => {
      config.providers['strongProvider']!.timeoutMs = 300;
    },
  });
});

afterAll(async () => {
  await gateway.dispose();
  await upstream.close();
});

function post(target: TestGateway, path: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return fetch(`${target.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

const hello = [{ role: 'user', content: 'hello' }];

describe('metadata.mode is a mode signal', () => {
  // alwaysWeak (threshold 1) would send everything weak, alwaysStrong (threshold 0) everything strong.
  it.each([
    ['plan', 'alwaysWeak', 'strong'],
    ['review', 'alwaysWeak', 'strong'],
    ['summarize', 'alwaysStrong', 'weak'],
    ['extract', 'alwaysStrong', 'weak'],
  ])('metadata.mode %s on %s routes %s', async (mode, router, tier) => {
    const response = await post(gateway, '/v1/route', { model: `triage/${router}`, messages: hello, metadata: { mode } });
    expect(response.status).toBe(200);
    const decision = (await response.json()) as { id: string };
    expect(decision).toMatchObject({ tier, reason: `mode:${mode}`, mode });
    expect(await gateway.store.get(decision.id)).toMatchObject({ mode, tier, reason: `mode:${mode}` });
  });

  it('is used by chat requests too, and the header wins over it', async () => {
    upstream.setBehaviour({});
    const chat = await post(gateway, '/v1/chat/completions', { model: 'triage/alwaysStrong', messages: hello, metadata: { mode: 'classify' } });
    expect(chat.status).toBe(200);
    expect(chat.headers.get('x-triage-model')).toBe('fake-weak');
    expect(chat.headers.get('x-triage-reason')).toBe('mode:classify');
    const both = await post(gateway, '/v1/route', { model: 'triage/alwaysStrong', messages: hello, metadata: { mode: 'classify' } }, { 'x-triage-mode': 'debug' });
    expect(await both.json()).toMatchObject({ tier: 'strong', reason: 'mode:debug', mode: 'debug' });
  });
});

describe('gateway keys', () => {
  let locked: TestGateway;
  beforeAll(async () => {
    locked = await startTestGateway({ raw: testConfig(upstream.url), env: { TRIAGE_API_KEYS: 'gw-key-one,gw-key-two' } });
  });
  afterAll(async () => {
    await locked.dispose();
  });

  it.each([
    ['x-api-key with the first key', { 'x-api-key': 'gw-key-one' }, 200, null],
    ['x-api-key with the second key', { 'x-api-key': 'gw-key-two' }, 200, null],
    ['Authorization: Bearer', { authorization: 'Bearer gw-key-two' }, 200, null],
    ['a wrong x-api-key', { 'x-api-key': 'gw-key-three' }, 401, 'invalid_api_key'],
    ['a wrong bearer key', { authorization: 'Bearer nope' }, 401, 'invalid_api_key'],
    ['no key', {}, 401, 'missing_api_key'],
  ])('%s -> %s', async (_name, headers: Record<string, string>, status, code) => {
    const response = await post(locked, '/v1/route', { model: 'triage', messages: hello }, headers);
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error?: { code: string } };
    if (code === null) expect(body.error).toBeUndefined();
    else expect(body.error?.code).toBe(code);
  });
});

describe('a stream that times out mid-way', () => {
  it('ends with an SSE timeout error event and is logged 504', async () => {
    // The strong provider's timeout is 300 ms; after the first content chunk the upstream goes quiet.
    // (A stall before any content is a failure before the first byte: answered as a plain 504.)
    upstream.setBehaviour({ text: 'abcdef', chunks: 6, holdStream: true });
    const response = await post(gateway, '/v1/chat/completions', { model: 'triage/alwaysStrong', messages: hello, stream: true });
    expect(response.status).toBe(200);
    const text = await response.text();
    const events = text.split('\n\n').filter(Boolean);
    const last = JSON.parse(events.at(-1)!.replace(/^data: /, '')) as { error: { type: string; code: string } };
    expect(last.error).toMatchObject({ type: 'timeout_error', code: 'upstream_timeout' });
    expect(text).not.toContain('[DONE]');
    const id = response.headers.get('x-triage-decision-id')!;
    await gateway.store.flush();
    expect(await gateway.store.get(id)).toMatchObject({ status: 504, stream: true, modelAlias: 'strong' });
    upstream.releaseStream();
    upstream.setBehaviour({});
  });
});

describe('cost in the log', () => {
  it('bills cached tokens at the input price on a model with no cachedInput price', async () => {
    // The weak model costs $0.1 input / $0.2 output per million tokens and has no cachedInput price.
    upstream.setBehaviour({ usage: { prompt_tokens: 1000, completion_tokens: 100, cached_tokens: 400 } });
    const response = await post(gateway, '/v1/chat/completions', { model: 'triage/alwaysWeak', messages: hello });
    expect(response.status).toBe(200);
    const logged = await gateway.store.get(response.headers.get('x-triage-decision-id')!);
    expect(logged).toMatchObject({ modelAlias: 'weak', promptTokens: 1000, cachedTokens: 400, completionTokens: 100 });
    expect(logged?.costUsd).toBeCloseTo((1000 * 0.1 + 100 * 0.2) / 1e6, 15);
  });

  it('caps cached tokens at the prompt tokens when billing', async () => {
    // Strong: $2 input, $0.5 cached, $8 output. 300 cached of 100 prompt tokens: all 100 at the cached price.
    upstream.setBehaviour({ usage: { prompt_tokens: 100, completion_tokens: 10, cached_tokens: 300 } });
    const response = await post(gateway, '/v1/chat/completions', { model: 'triage/alwaysStrong', messages: hello });
    const logged = await gateway.store.get(response.headers.get('x-triage-decision-id')!);
    expect(logged?.costUsd).toBeCloseTo((100 * 0.5 + 10 * 8) / 1e6, 15);
    upstream.setBehaviour({});
  });
});
