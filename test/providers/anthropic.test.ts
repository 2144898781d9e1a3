// The Anthropic adapter: the shared provider conformance suite against a fake Anthropic upstream
// (real HTTP on loopback), plus the mapping both ways (request body, answer, stream parts).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatRequest, collect, describeProviderConformance, expectKind, SECRET_KEY, streamedText } from './provider.conformance.ts';
import { createAnthropicAdapter } from '../../src/providers/anthropic/index.ts';
import type { UpstreamTarget } from '../../src/providers/spec.ts';
import { FAKE_SIGNATURE, startFakeAnthropicUpstream } from '../support/fake-anthropic-upstream.ts';

describeProviderConformance('anthropic', { create: createAnthropicAdapter, startUpstream: startFakeAnthropicUpstream, goldenStreams: 'anthropic' });

describe('anthropic wire format', () => {
  let upstream: Awaited<ReturnType<typeof startFakeAnthropicUpstream>>;
  const adapter = createAnthropicAdapter();
  const target = (): UpstreamTarget => ({ provider: 'claude', baseUrl: upstream.url, apiKey: SECRET_KEY, modelId: 'claude-test', timeoutMs: 2000 });

  beforeAll(async () => {
    upstream = await startFakeAnthropicUpstream();
  });
  afterAll(async () => upstream.close());

  it('maps system, images, tool calls and results, tool_choice and sampling, and warns about what it drops', async () => {
    const request = chatRequest({
      messages: [
        { role: 'system', content: 'Be exact.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in English.', cache_control: { type: 'ephemeral' } }] },
        { role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }, { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } }, { type: 'input_audio', input_audio: { data: 'AAA=', format: 'wav' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } }, { id: 'call_2', type: 'function', function: { name: 'lookup', arguments: 'not json' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
        { role: 'tool', tool_call_id: 'call_2', content: 'a mat' },
        { role: 'user', content: 'So?' },
      ],
      tools: [{ type: 'function', function: { name: 'lookup', description: 'Look up', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      parallel_tool_calls: false,
      temperature: 1.5,
      top_p: 0.9,
      stop: 'END',
      max_tokens: 300,
      user: 'alice',
      seed: 7,
      logit_bias: { '50256': -100 },
      n: 2,
    });
    const result = expectKind(await adapter.chat({ target: target(), request }), 'json');
    const sent = upstream.requests.at(-1)!;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe(SECRET_KEY);
    expect(sent.headers['authorization']).toBeUndefined();
    expect(sent.body).toEqual({
      model: 'claude-test',
      max_tokens: 300,
      system: [{ type: 'text', text: 'Be exact.' }, { type: 'text', text: 'Answer in English.', cache_control: { type: 'ephemeral' } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }, { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'lookup', input: { q: 'cat' } }, { type: 'tool_use', id: 'call_2', name: 'lookup', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'a cat' }, { type: 'tool_result', tool_use_id: 'call_2', content: 'a mat' }, { type: 'text', text: 'So?' }] },
      ],
      temperature: 1,
      top_p: 0.9,
      stop_sequences: ['END'],
      tools: [{ name: 'lookup', description: 'Look up', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }],
      tool_choice: { type: 'tool', name: 'lookup', disable_parallel_tool_use: true },
      metadata: { user_id: 'alice' },
    });
    expect(result.warnings).toEqual(expect.arrayContaining([
      expect.stringContaining('input_audio'),
      expect.stringContaining('not a JSON object'),
      expect.stringContaining('temperature 1.5 was lowered to 1'),
      expect.stringContaining('"seed"'),
      expect.stringContaining('"logit_bias"'),
      expect.stringContaining('n > 1'),
    ]));
  });

  it('turns reasoning_effort into a thinking budget below max_tokens, drops temperature with it, and maps the answer back', async () => {
    upstream.setBehaviour({ text: 'Done.', thinking: 'Step by step.', usage: { prompt_tokens: 100, completion_tokens: 20, cached_tokens: 30 }, cacheWriteTokens: 50 });
    const result = expectKind(await adapter.chat({ target: target(), request: chatRequest({ reasoning_effort: 'high', max_completion_tokens: 9000, temperature: 0.2 }) }), 'json');
    expect(upstream.requests.at(-1)!.body).toMatchObject({ max_tokens: 9000, thinking: { type: 'enabled', budget_tokens: 8999 } });
    expect(upstream.requests.at(-1)!.body.temperature).toBeUndefined();
    expect(result.warnings).toContain('temperature was dropped: Anthropic does not allow it with thinking');
    const message = (result.body as { choices: Array<{ message: Record<string, unknown>; finish_reason: string }> }).choices[0]!;
    expect(message.finish_reason).toBe('stop');
    expect(message.message).toMatchObject({ content: 'Done.', reasoning_content: 'Step by step.', reasoning_details: [{ type: 'reasoning.text', text: 'Step by step.', signature: FAKE_SIGNATURE, format: 'anthropic-claude-v1' }] });
    expect(result.usage).toEqual({ promptTokens: 100, completionTokens: 20, cachedTokens: 30, cacheWriteTokens: 50 });

    expectKind(await adapter.chat({ target: target(), request: chatRequest({ reasoning_effort: 'low', max_tokens: 500 }) }), 'json');
    expect(upstream.requests.at(-1)!.body.thinking).toBeUndefined();
    // No limit from the client: the thinking budget comes on top of the default answer length.
    expectKind(await adapter.chat({ target: target(), request: chatRequest({ reasoning_effort: 'medium' }) }), 'json');
    expect(upstream.requests.at(-1)!.body).toMatchObject({ max_tokens: 4096 + 8192, thinking: { type: 'enabled', budget_tokens: 8192 } });
  });

  it('streams thinking text and its signature as reasoning deltas', async () => {
    upstream.setBehaviour({ text: 'ok', thinking: 'Hmm.' });
    const result = expectKind(await adapter.chat({ target: target(), request: chatRequest({ stream: true }) }), 'stream');
    const parts = await collect(result.parts);
    const details = parts.flatMap((p) => (p.type === 'chunk' ? ((p.json['choices'] as Array<{ delta?: { reasoning_details?: unknown[] } }>)[0]?.delta?.reasoning_details ?? []) : []));
    expect(details).toEqual([
      { type: 'reasoning.text', text: 'Hmm.', format: 'anthropic-claude-v1', index: 0 },
      { type: 'reasoning.text', signature: FAKE_SIGNATURE, format: 'anthropic-claude-v1', index: 0 },
    ]);
    expect(streamedText(parts)).toBe('ok');
  });

  it('turns an Anthropic error body into OpenAI error shape with its type', async () => {
    upstream.setBehaviour({ respondWith: { status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } } });
    const result = expectKind(await adapter.chat({ target: target(), request: chatRequest() }), 'http_error');
    expect(result.status).toBe(529);
    expect(result.body).toEqual({ error: { message: 'Overloaded', type: 'overloaded_error', code: null } });
  });
});
