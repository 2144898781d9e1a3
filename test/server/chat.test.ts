// The gateway end to end with the official `openai` client: plain, streaming and tool-call requests
// through real HTTP to a fake upstream on loopback, and the SQLite log rows they leave.

import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { startTestGateway, testConfig, type TestGateway } from '../support/gateway.ts';

let upstream: FakeUpstream;
let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  gateway = await startTestGateway({ raw: testConfig(upstream.url) });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
});

afterAll(async () => {
  await gateway.dispose();
  await upstream.close();
});

async function row(id: string) {
  const found = await gateway.store.get(id);
  if (!found) throw new Error(`no log row for ${id}`);
  return found;
}

describe('chat completions through the gateway', () => {
  it('serves a plain request and logs tokens and cost', async () => {
    upstream.setBehaviour({ text: 'Paris.', usage: { prompt_tokens: 1000, completion_tokens: 500, cached_tokens: 200 } });
    const { data, response } = await client.chat.completions
      .create({ model: 'triage/alwaysStrong', messages: [{ role: 'user', content: 'Capital of France?' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Paris.');
    expect(data.model).toBe('fake-strong');
    const id = response.headers.get('x-triage-decision-id')!;
    expect(id).toMatch(/^dec_/);
    expect(response.headers.get('x-triage-router')).toBe('alwaysStrong');
    expect(response.headers.get('x-triage-model')).toBe('fake-strong');
    // The seeded random scorer (seed 7) gives 'Capital of France?' 0.08964590780640691; threshold 0 sends it strong.
    expect(response.headers.get('x-triage-score')).toBe('0.089646');
    expect(response.headers.get('x-triage-reason')).toBe('score>=threshold');
    expect(response.headers.get('x-triage-threshold')).toBe('0');

    const sent = upstream.requests.at(-1)!;
    expect(sent.body.model).toBe('fake-strong');
    expect(sent.headers.authorization).toBe('Bearer sk-upstream-secret-123');

    const logged = await row(id);
    expect(logged).toMatchObject({
      kind: 'chat',
      router: 'alwaysStrong',
      tier: 'strong',
      modelAlias: 'strong',
      modelId: 'fake-strong',
      status: 200,
      stream: false,
      promptTokens: 1000,
      completionTokens: 500,
      cachedTokens: 200,
      fallbackUsed: false,
    });
    // 800 uncached * $2 + 200 cached * $0.5 + 500 completion * $8, per million tokens.
    expect(logged.costUsd).toBeCloseTo((800 * 2 + 200 * 0.5 + 500 * 8) / 1e6, 12);
    expect(logged.latencyMs).toBeGreaterThan(0);
    expect(logged.ttfbMs).toBeGreaterThan(0);
    expect(logged.promptText).toBeNull();
  });

  it('streams chunk by chunk, strips the usage chunk the client did not ask for, and logs usage', async () => {
    upstream.setBehaviour({ text: 'one two three four', chunks: 4, usage: { prompt_tokens: 30, completion_tokens: 4, cached_tokens: 0 } });
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'triage/alwaysWeak', stream: true, messages: [{ role: 'user', content: 'Count to four' }] })
      .withResponse();
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('one two three four');
    expect(chunks.every((c) => c.choices.length > 0)).toBe(true);
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
    expect(chunks[0]?.model).toBe('fake-weak');
    // The gateway asked upstream for usage although the client did not.
    expect(upstream.requests.at(-1)!.body.stream_options).toEqual({ include_usage: true });

    const logged = await row(response.headers.get('x-triage-decision-id')!);
    expect(logged).toMatchObject({ tier: 'weak', modelId: 'fake-weak', stream: true, status: 200, promptTokens: 30, completionTokens: 4 });
    expect(logged.costUsd).toBeCloseTo((30 * 0.1 + 4 * 0.2) / 1e6, 12);
  });

  it('passes the usage chunk through when the client asked for it', async () => {
    upstream.setBehaviour({ text: 'hi', chunks: 1, usage: { prompt_tokens: 5, completion_tokens: 1, cached_tokens: 0 } });
    const stream = await client.chat.completions.create({
      model: 'triage/alwaysWeak',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'hi' }],
    });
    const usages = [];
    for await (const chunk of stream) if (chunk.usage) usages.push(chunk.usage);
    expect(usages).toHaveLength(1);
    expect(usages[0]?.prompt_tokens).toBe(5);
  });

  it('forwards tools untouched and returns tool calls, streamed and not', async () => {
    upstream.setBehaviour({ toolArguments: '{"city":"Oslo"}', usage: { prompt_tokens: 50, completion_tokens: 10, cached_tokens: 0 } });
    const tools = [
      {
        type: 'function' as const,
        function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      },
    ];
    const { data, response } = await client.chat.completions
      .create({
        model: 'triage/alwaysStrong',
        messages: [{ role: 'user', content: 'Weather in Oslo?' }],
        tools,
        tool_choice: 'auto',
        response_format: { type: 'text' },
        // An unknown field must reach the upstream as it is.
        ...({ vendor_extension: { keep: true } } as object),
      })
      .withResponse();
    const sent = upstream.requests.at(-1)!.body;
    expect(sent.tools).toEqual(tools);
    expect(sent.tool_choice).toBe('auto');
    expect(sent.response_format).toEqual({ type: 'text' });
    expect(sent.vendor_extension).toEqual({ keep: true });
    const call = data.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' ? call.function.arguments : undefined).toBe('{"city":"Oslo"}');
    expect((await row(response.headers.get('x-triage-decision-id')!)).promptTokens).toBe(50);

    const stream = await client.chat.completions.create({ model: 'triage/alwaysStrong', stream: true, messages: [{ role: 'user', content: 'Weather in Oslo?' }], tools });
    let args = '';
    for await (const chunk of stream) {
      for (const toolCall of chunk.choices[0]?.delta.tool_calls ?? []) args += toolCall.function?.arguments ?? '';
    }
    expect(args).toBe('{"city":"Oslo"}');
  });

  it('passes a model alias or upstream id straight through without routing', async () => {
    upstream.setBehaviour({});
    for (const model of ['weak', 'fake-weak']) {
      const { data, response } = await client.chat.completions
        .create({ model, messages: [{ role: 'user', content: 'hello' }] })
        .withResponse();
      expect(data.model).toBe('fake-weak');
      const logged = await row(response.headers.get('x-triage-decision-id')!);
      expect(logged).toMatchObject({ router: null, reason: 'passthrough', modelAlias: 'weak', score: null });
    }
  });

  it('accepts RouteLLM model names and records tags from header, user and metadata', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-triage-tags': 'feature=search, team=core' },
      body: JSON.stringify({ model: 'router-random-0', user: 'u-42', metadata: { env: 'prod' }, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-triage-router')).toBe('router-random-0');
    const logged = await row(response.headers.get('x-triage-decision-id')!);
    expect(logged.tags).toEqual({ feature: 'search', team: 'core', user: 'u-42', env: 'prod' });
    expect(logged.tier).toBe('strong');
    const spend = await gateway.store.costByTag('feature');
    expect(spend.find((r) => r.key === 'search')?.requests).toBe(1);
  });

  it('routes on the client mode signal before scoring', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-triage-mode': 'plan' },
      body: JSON.stringify({ model: 'triage/alwaysWeak', messages: [{ role: 'user', content: 'Plan the migration' }] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-triage-model')).toBe('fake-strong');
    expect(response.headers.get('x-triage-reason')).toBe('mode:plan');
    const logged = await row(response.headers.get('x-triage-decision-id')!);
    expect(logged).toMatchObject({ mode: 'plan', tier: 'strong', score: null });
  });
});

describe('prompt identity in the log', () => {
  it('hashes the last user turn the way labelled data does, and keeps text only when asked', async () => {
    const { promptHash } = await import('../../src/protocol/chat.ts');
    const { computePromptHash } = await import('../../src/training/data/format.ts');
    const messages = [
      { role: 'system' as const, content: 'Be brief.' },
      { role: 'user' as const, content: '  What is   the capital of Peru? ' },
    ];
    const { response } = await client.chat.completions.create({ model: 'triage/alwaysWeak', messages }).withResponse();
    const logged = await row(response.headers.get('x-triage-decision-id')!);
    expect(logged.promptHash).toBe(promptHash('what is the capital of peru?'));
    expect(logged.promptHash).toBe(computePromptHash('What is the capital of Peru?'));
    expect(logged.promptText).toBeNull();
  });
});
