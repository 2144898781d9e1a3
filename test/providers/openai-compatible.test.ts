// The OpenAI-compatible adapter: runs the shared conformance suite, then checks what is specific to
// the OpenAI wire format (body forwarding, headers, include_usage injection, URL joining, registry).

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiCompatibleAdapter } from '../../src/providers/openai-compatible/index.ts';
import { createProvider } from '../../src/providers/registry.ts';
import type { UpstreamTarget } from '../../src/providers/spec.ts';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { chatRequest, collect, describeProviderConformance, expectKind, SECRET_KEY } from './provider.conformance.ts';

describeProviderConformance('openai-compatible', { create: createOpenAiCompatibleAdapter, goldenStreams: 'openai-compatible' });

describe('openai-compatible wire format', () => {
  let upstream: FakeUpstream;
  const adapter = createOpenAiCompatibleAdapter();
  const target = (extra: Partial<UpstreamTarget> = {}): UpstreamTarget => ({
    provider: 'fake', baseUrl: upstream.url, apiKey: SECRET_KEY, modelId: 'upstream-model', timeoutMs: 2000, ...extra,
  });
  const lastBody = (): Record<string, unknown> => upstream.requests.at(-1)?.body;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
  });
  afterEach(() => {
    upstream.setBehaviour({});
    upstream.requests.length = 0;
  });
  afterAll(async () => upstream.close());

  it('forwards the body untouched except for model', async () => {
    const request = chatRequest({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Weather?' }, { type: 'image_url', image_url: { url: 'data:,' } }] },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
      tool_choice: 'auto',
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } },
      temperature: 0.2,
      some_future_field: { nested: [1, 'two', null] },
    });
    const result = await adapter.chat({ target: target(), request });
    expectKind(result, 'json');
    expect(lastBody()).toEqual({ ...request, model: 'upstream-model' });
    expect(request.model).toBe('triage'); // the caller's object is not mutated
    expect(upstream.requests.at(-1)?.path).toBe('/v1/chat/completions');
  });

  it('sends the bearer key and the target headers, and no authorization without a key', async () => {
    await adapter.chat({ target: target({ headers: { 'x-team': 'search', 'OpenAI-Organization': 'org-1' } }), request: chatRequest() });
    const headers = upstream.requests.at(-1)?.headers;
    expect(headers?.authorization).toBe(`Bearer ${SECRET_KEY}`);
    expect(headers?.['x-team']).toBe('search');
    expect(headers?.['openai-organization']).toBe('org-1');
    expect(headers?.['content-type']).toBe('application/json');

    await adapter.chat({ target: target({ apiKey: undefined }), request: chatRequest() });
    expect(upstream.requests.at(-1)?.headers.authorization).toBeUndefined();
  });

  it('passes an upstream 401 through for a wrong key', async () => {
    upstream.setBehaviour({ requireApiKey: 'sk-right-key-000000' });
    const result = expectKind(await adapter.chat({ target: target(), request: chatRequest() }), 'http_error');
    expect(result.status).toBe(401);
    expect(result.body).toMatchObject({ error: { code: 'invalid_api_key' } });
  });

  it('asks for include_usage on every stream, merging the client stream_options', async () => {
    const cases = [
      { sent: undefined, expected: { include_usage: true } },
      { sent: null, expected: { include_usage: true } },
      { sent: { include_usage: false, extra: 'kept' }, expected: { include_usage: true, extra: 'kept' } },
    ];
    for (const { sent, expected } of cases) {
      const request = chatRequest({ stream: true, ...(sent === undefined ? {} : { stream_options: sent }) });
      const result = expectKind(await adapter.chat({ target: target(), request }), 'stream');
      const parts = await collect(result.parts);
      expect(lastBody()['stream_options']).toEqual(expected);
      // The fake sends the usage-only chunk only because it was asked for it.
      expect(parts.some((p) => p.type === 'chunk' && p.isUsageOnly)).toBe(true);
    }
  });

  it('leaves stream_options alone on non-streaming requests', async () => {
    await adapter.chat({ target: target(), request: chatRequest() });
    expect(lastBody()).not.toHaveProperty('stream_options');
    await adapter.chat({ target: target(), request: chatRequest({ stream: false, stream_options: { include_usage: true } }) });
    expect(lastBody()['stream_options']).toEqual({ include_usage: true });
  });

  it('reports usage carried on a content chunk without marking it usage-only', async () => {
    const chunk = { id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 1 } };
    upstream.setBehaviour({ respondWith: { status: 200, body: `data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`, contentType: 'text/event-stream' } });
    const result = expectKind(await adapter.chat({ target: target(), request: chatRequest({ stream: true }) }), 'stream');
    const parts = await collect(result.parts);
    expect(parts).toEqual([
      { type: 'chunk', data: JSON.stringify(chunk), json: chunk, isUsageOnly: false, finishReason: 'stop' },
      { type: 'usage', usage: { promptTokens: 3, completionTokens: 1, cachedTokens: 0 } },
      { type: 'done', sentinel: true },
    ]);
  });

  it('joins baseUrl with a trailing slash or a query string', async () => {
    await adapter.chat({ target: target({ baseUrl: `${upstream.url}/` }), request: chatRequest() });
    expect(upstream.requests.at(-1)?.path).toBe('/v1/chat/completions');
    await adapter.chat({ target: target({ baseUrl: `${upstream.url}?api-version=2024-10-21` }), request: chatRequest() });
    expect(upstream.requests.at(-1)?.path).toBe('/v1/chat/completions?api-version=2024-10-21');
  });

  it('refuses to follow redirects (the key must not travel to another host)', async () => {
    upstream.setBehaviour({ respondWith: { status: 307, body: '' } });
    const result = expectKind(await adapter.chat({ target: target(), request: chatRequest() }), 'failure');
    expect(result.code).toBe('bad_response');
  });
});

describe('provider registry', () => {
  it('creates the openai-compatible adapter', () => {
    const adapter = createProvider('openai-compatible');
    expect(adapter.kind).toBe('openai-compatible');
    expect(adapter.specVersion).toBe('v2');
  });

  it('rejects an unknown kind with the known kinds listed', () => {
    expect(() => createProvider('gemini')).toThrow(/Unknown provider kind "gemini".*openai-compatible, anthropic/);
    expect(() => createProvider('toString')).toThrow(/Unknown provider kind/);
  });
});
