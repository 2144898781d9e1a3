// POST /v1/responses end to end with the official `openai` client (responses.create and
// responses.stream) over real HTTP: routing on the input's last user text, the body forwarded
// with only `model` replaced, SSE events passed through with their `event:` lines, usage and cost
// logged from response.completed, and errors in OpenAI's shape.

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
  gateway = await startTestGateway({ raw: testConfig(upstream.url, weakUpstream.url) });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
});

afterAll(async () => {
  await gateway.dispose();
  await upstream.close();
  await weakUpstream.close();
});

async function row(id: string | null) {
  await gateway.store.flush();
  const found = id ? await gateway.store.get(id) : undefined;
  if (!found) throw new Error(`no log row for ${id}`);
  return found;
}

function post(body: string | object, headers: Record<string, string> = {}) {
  return fetch(`${gateway.url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function routeHash(messages: Array<{ role: string; content: string }>): Promise<string> {
  const decision = (await (await fetch(`${gateway.url}/v1/route`, { method: 'POST', body: JSON.stringify({ model: 'triage', messages }) })).json()) as { id: string };
  return (await row(decision.id)).promptHash;
}

describe('POST /v1/responses (JSON)', () => {
  it('serves a string input, forwards the body untouched but for model, and logs usage and cost', async () => {
    upstream.setBehaviour({ text: 'Paris.', usage: { prompt_tokens: 1000, completion_tokens: 500, cached_tokens: 200 } });
    const { data, response } = await client.responses
      .create({ model: 'triage/alwaysStrong', input: 'Capital of France?', instructions: 'Be brief.', max_output_tokens: 50, store: false })
      .withResponse();
    expect(data.output_text).toBe('Paris.');
    expect(data.usage).toMatchObject({ input_tokens: 1000, output_tokens: 500 });
    const sent = upstream.requests.at(-1)!;
    expect(sent.path).toBe('/v1/responses');
    expect(sent.body).toEqual({ model: 'fake-strong', input: 'Capital of France?', instructions: 'Be brief.', max_output_tokens: 50, store: false });
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(response.headers.get('x-triage-router')).toBe('alwaysStrong');
    expect(response.headers.get('x-triage-model')).toBe('fake-strong');
    const logged = await row(response.headers.get('x-triage-decision-id'));
    expect(logged).toMatchObject({
      kind: 'responses',
      router: 'alwaysStrong',
      tier: 'strong',
      modelAlias: 'strong',
      status: 200,
      stream: false,
      promptTokens: 1000,
      completionTokens: 500,
      cachedTokens: 200,
    });
    expect(logged.costUsd).toBeCloseTo((800 * 2 + 200 * 0.5 + 500 * 8) / 1e6, 12);
    expect(logged.promptHash).toBe(await routeHash([{ role: 'user', content: 'Capital of France?' }]));
  });

  it('routes on the last user text of input items (input_text parts) and sends it to the chosen model', async () => {
    const input = [
      { role: 'user', content: [{ type: 'input_text', text: 'first question' }] },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'an answer' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'the last' }, { type: 'input_image', image_url: 'data:,' }, { type: 'input_text', text: 'question' }] },
      { type: 'function_call_output', call_id: 'c1', output: 'tool says hi' },
    ];
    const { response } = await client.responses.create({ model: 'triage/alwaysWeak', input: input as OpenAI.Responses.ResponseInput }).withResponse();
    expect(response.headers.get('x-triage-router')).toBe('alwaysWeak');
    expect(weakUpstream.requests.at(-1)!.body).toEqual({ model: 'fake-weak', input });
    const logged = await row(response.headers.get('x-triage-decision-id'));
    expect(logged).toMatchObject({ kind: 'responses', tier: 'weak', modelAlias: 'weak' });
    expect(logged.promptHash).toBe(await routeHash([{ role: 'user', content: 'the last\nquestion' }]));
  });

  it('takes the mode from x-triage-mode or metadata.mode, and tags from metadata', async () => {
    const viaMetadata = await post({ model: 'triage/alwaysWeak', input: 'plan a migration', metadata: { mode: 'plan', team: 'infra' } });
    expect(viaMetadata.status).toBe(200);
    expect(viaMetadata.headers.get('x-triage-reason')).toBe('mode:plan');
    const logged = await row(viaMetadata.headers.get('x-triage-decision-id'));
    expect(logged).toMatchObject({ tier: 'strong', mode: 'plan', tags: { mode: 'plan', team: 'infra' } });
    const viaHeader = await post({ model: 'triage/alwaysStrong', input: 'summarise this' }, { 'x-triage-mode': 'summarize' });
    expect(viaHeader.headers.get('x-triage-reason')).toBe('mode:summarize');
    expect(viaHeader.headers.get('x-triage-model')).toBe('fake-weak');
  });

  it('rejects bad bodies and unknown models with a 400 in OpenAI shape', async () => {
    const cases: Array<[string | object, string]> = [
      ['{"model"', 'invalid_json'],
      [{ input: 'x' }, 'invalid_model'],
      [{ model: 'triage', input: 42 }, 'invalid_value'],
      [{ model: 'triage', input: 'x', metadata: { n: 1 } }, 'invalid_value'],
      [{ model: 'constructor', input: 'x' }, 'model_not_found'],
      [{ model: 'triage/toString', input: 'x' }, 'model_not_found'],
    ];
    for (const [body, code] of cases) {
      const response = await post(body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    }
  });

  it('passes upstream 4xx through and maps 5xx to 502', async () => {
    upstream.setBehaviour({ respondWith: { status: 400, body: { error: { message: 'bad tool', type: 'invalid_request_error', code: 'bad_tool' } } } });
    await expect(client.responses.create({ model: 'strong', input: 'x' })).rejects.toMatchObject({ status: 400, code: 'bad_tool' });
    upstream.setBehaviour({ respondWith: { status: 503, body: { error: { message: `overloaded ${KEY}` } } } });
    const response = await post({ model: 'strong', input: 'x' });
    expect(response.status).toBe(502);
    expect(await response.text()).not.toContain(KEY);
    upstream.setBehaviour({});
  });
});

describe('POST /v1/responses (fallback)', () => {
  it('retries on the other model when the router allows it and the first upstream fails', async () => {
    upstream.setBehaviour({ respondWith: { status: 500, body: { error: { message: 'down' } } } });
    weakUpstream.setBehaviour({ text: 'from the weak model' });
    const { data, response } = await client.responses.create({ model: 'triage/resilient', input: 'x' }).withResponse();
    expect(data.output_text).toBe('from the weak model');
    const logged = await row(response.headers.get('x-triage-decision-id'));
    expect(logged).toMatchObject({ kind: 'responses', status: 200, modelAlias: 'weak', fallbackUsed: true });
    expect(logged.reason).toContain('retried on weak after strong: upstream status 500');
    upstream.setBehaviour({});
    weakUpstream.setBehaviour({});
  });
});

describe('POST /v1/responses (streaming)', () => {
  it('streams through the SDK helper and logs usage from response.completed', async () => {
    upstream.setBehaviour({ text: 'streamed answer', chunks: 4, usage: { prompt_tokens: 40, completion_tokens: 4, cached_tokens: 8 } });
    const stream = client.responses.stream({ model: 'strong', input: 'stream please' });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('streamed answer');
    expect(deltas.join('')).toBe('streamed answer');
    expect(upstream.requests.at(-1)!.body).toEqual({ model: 'fake-strong', input: 'stream please', stream: true });
    const rows = await gateway.store.decisions({ limit: 1 });
    expect(rows[0]).toMatchObject({ kind: 'responses', stream: true, status: 200, promptTokens: 40, completionTokens: 4, cachedTokens: 8 });
  });

  it('keeps the event: lines intact and adds nothing after the last upstream event', async () => {
    upstream.setBehaviour({ text: 'ab', chunks: 2 });
    const response = await post({ model: 'strong', input: 'x', stream: true });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    const events = text.trim().split('\n\n');
    expect(events[0]).toMatch(/^event: response\.created\ndata: \{"type":"response\.created"/);
    expect(events.map((e) => /^event: (\S+)/.exec(e)?.[1])).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
  });

  it('cancels the upstream and logs 499 when the client goes away mid-stream', async () => {
    upstream.setBehaviour({ chunks: 5, chunkDelayMs: 200 });
    const controller = new AbortController();
    const response = await fetch(`${gateway.url}/v1/responses`, {
      method: 'POST',
      body: JSON.stringify({ model: 'strong', input: 'x', stream: true }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('event: response.created');
    controller.abort();
    expect(await upstream.requests.at(-1)!.outcome).toBe('client-closed');
    await expect.poll(async () => (await gateway.store.get(response.headers.get('x-triage-decision-id')!))?.status, { timeout: 5000 }).toBe(499);
    upstream.setBehaviour({});
  });

  it('turns an upstream error event, a cut or a reset into a failed row, with an error event for the client', async () => {
    upstream.setBehaviour({ errorEventAfterEvents: 3, errorEventMessage: `boom ${KEY}` });
    const failed = await post({ model: 'strong', input: 'x', stream: true });
    const failedText = await failed.text();
    expect(failedText).toContain('event: error\ndata: {"type":"error","code":"server_error","message":"boom [redacted]"');
    expect(failedText).not.toContain(KEY);
    expect(await row(failed.headers.get('x-triage-decision-id'))).toMatchObject({ status: 502, error: 'upstream sent an error event: boom [redacted]' });

    upstream.setBehaviour({ endAfterEvents: 4 });
    const stream = client.responses.stream({ model: 'strong', input: 'x' });
    await expect(stream.finalResponse()).rejects.toThrow(/closed the stream before the answer finished/);
    const rows = await gateway.store.decisions({ limit: 1 });
    expect(rows[0]).toMatchObject({ status: 502, error: 'upstream closed the stream before the answer finished' });

    upstream.setBehaviour({ resetAfterEvents: 2 });
    const reset = await post({ model: 'strong', input: 'x', stream: true });
    expect(await reset.text()).toMatch(/event: error\ndata: \{"type":"error","code":"upstream_connection"/);
    expect(await row(reset.headers.get('x-triage-decision-id'))).toMatchObject({ status: 502 });
    upstream.setBehaviour({});
  });
});
