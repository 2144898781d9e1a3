// /v1/messages end to end with the official `@anthropic-ai/sdk` (and `openai` for the other way
// round): plain, streaming and tool-use requests through real HTTP to a fake Anthropic upstream and
// a fake OpenAI-compatible upstream on loopback, either entry point reaching either provider kind,
// Anthropic-shaped errors, count_tokens, and the SQLite rows (tokens, cost, tags) they leave.

import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_SIGNATURE, startFakeAnthropicUpstream } from '../support/fake-anthropic-upstream.ts';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

let claude: Awaited<ReturnType<typeof startFakeAnthropicUpstream>>;
let openaiUpstream: FakeUpstream;
let gateway: TestGateway;
let anthropic: Anthropic;
let openai: OpenAI;

const TOOLS: Anthropic.Tool[] = [
  { name: 'read_file', description: 'Read a file from the workspace', input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } },
];

beforeAll(async () => {
  claude = await startFakeAnthropicUpstream();
  openaiUpstream = await startFakeUpstream();
  const raw = {
    providers: {
      claude: { kind: 'anthropic', baseUrl: claude.url, apiKeyEnv: 'FAKE_STRONG_KEY' },
      oai: { baseUrl: openaiUpstream.url },
    },
    models: {
      sonnet: { provider: 'claude', id: 'claude-sonnet-4-5', pricePerMTok: { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 } },
      mini: { provider: 'oai', id: 'gpt-5-mini', pricePerMTok: { input: 0.25, output: 2 } },
    },
    routers: {
      default: { strong: 'sonnet', weak: 'mini', scorer: 'random', seed: 7, threshold: 0.5 },
      toClaude: { strong: 'sonnet', weak: 'mini', scorer: 'random', seed: 7, threshold: 0 },
      toOpenAi: { strong: 'sonnet', weak: 'mini', scorer: 'random', seed: 7, threshold: 1 },
    },
  };
  gateway = await startTestGateway({ raw });
  anthropic = new Anthropic({ baseURL: gateway.url, apiKey: 'client-key', maxRetries: 0 });
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
});

afterAll(async () => {
  await gateway.dispose();
  await claude.close();
  await openaiUpstream.close();
});

async function row(id: string | null) {
  if (!id) throw new Error('no decision id header');
  for (let i = 0; i < 50; i++) {
    const found = await gateway.store.get(id);
    if (found && found.status !== 0) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no log row for ${id}`);
}

describe('Anthropic SDK -> Anthropic upstream', () => {
  it('serves a plain request, keeps system, cache_control and user id, and logs tokens and cost with cache writes', async () => {
    claude.setBehaviour({ text: 'Paris.', usage: { prompt_tokens: 1000, completion_tokens: 50, cached_tokens: 600 }, cacheWriteTokens: 300 });
    const { data, response } = await anthropic.messages
      .create({
        model: 'triage/toClaude',
        max_tokens: 256,
        system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content: 'Capital of France?' }],
        metadata: { user_id: 'user_42' },
      })
      .withResponse();
    expect(data.type).toBe('message');
    expect(data.content).toEqual([{ type: 'text', text: 'Paris.' }]);
    expect(data.stop_reason).toBe('end_turn');
    expect(data.usage).toMatchObject({ input_tokens: 100, output_tokens: 50, cache_read_input_tokens: 600, cache_creation_input_tokens: 300 });
    const sent = claude.requests.at(-1)!;
    expect(sent.headers['x-api-key']).toBe('sk-upstream-secret-123');
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.body).toMatchObject({ model: 'claude-sonnet-4-5', max_tokens: 256, system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }], metadata: { user_id: 'user_42' } });
    const logged = await row(response.headers.get('x-triage-decision-id'));
    expect(logged).toMatchObject({ status: 200, router: 'toClaude', modelAlias: 'sonnet', promptTokens: 1000, completionTokens: 50, cachedTokens: 600, tags: { user: 'user_42' } });
    // 100 fresh at 3, 600 read at 0.3, 300 written at 3.75, 50 out at 15 (USD per million tokens).
    expect(logged.costUsd).toBeCloseTo((100 * 3 + 600 * 0.3 + 300 * 3.75 + 50 * 15) / 1e6, 12);
  });

  it('streams text and thinking with its signature intact', async () => {
    claude.setBehaviour({ text: 'one two three', chunks: 3, thinking: 'Let me think.' });
    const stream = anthropic.messages.stream({
      model: 'triage/toClaude',
      max_tokens: 4096,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [{ role: 'user', content: 'Count to three' }],
    });
    const message = await stream.finalMessage();
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Let me think.', signature: FAKE_SIGNATURE },
      { type: 'text', text: 'one two three', citations: null },
    ].map((block) => (block.type === 'text' ? expect.objectContaining({ type: 'text', text: 'one two three' }) : block)));
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.output_tokens).toBe(7);
    expect(claude.requests.at(-1)!.body).toMatchObject({ stream: true, thinking: { type: 'enabled', budget_tokens: 2048 } });
  });

  it('streams a tool_use block whose input arrives as input_json_delta, and sends tool results back', async () => {
    claude.setBehaviour({ toolArguments: '{"path":"src/app.ts"}', chunks: 4 });
    const message = await anthropic.messages
      .stream({ model: 'triage/toClaude', max_tokens: 1024, tools: TOOLS, messages: [{ role: 'user', content: 'Open src/app.ts' }] })
      .finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    const use = message.content.find((block) => block.type === 'tool_use');
    expect(use).toMatchObject({ type: 'tool_use', name: 'read_file', input: { path: 'src/app.ts' } });
    claude.setBehaviour({ text: 'It exports main.' });
    const next = await anthropic.messages.create({
      model: 'triage/toClaude',
      max_tokens: 1024,
      tools: TOOLS,
      messages: [
        { role: 'user', content: 'Open src/app.ts' },
        { role: 'assistant', content: message.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: (use as Anthropic.ToolUseBlock).id, content: 'export function main() {}' }] },
      ],
    });
    expect(next.content[0]).toMatchObject({ type: 'text', text: 'It exports main.' });
    expect(claude.requests.at(-1)!.body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Open src/app.ts' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: (use as Anthropic.ToolUseBlock).id, name: 'read_file', input: { path: 'src/app.ts' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: (use as Anthropic.ToolUseBlock).id, content: 'export function main() {}' }] },
    ]);
  });
});

describe('Anthropic SDK -> OpenAI-compatible upstream', () => {
  it('serves a plain request translated to Chat Completions', async () => {
    openaiUpstream.setBehaviour({ text: 'Bonjour.', usage: { prompt_tokens: 30, completion_tokens: 4, cached_tokens: 10 } });
    const { data, response } = await anthropic.messages
      .create({ model: 'triage/toOpenAi', max_tokens: 100, system: 'Be brief.', stop_sequences: ['\n\n'], messages: [{ role: 'user', content: 'Say hello in French' }] })
      .withResponse();
    expect(data.content).toEqual([{ type: 'text', text: 'Bonjour.' }]);
    expect(data.stop_reason).toBe('end_turn');
    expect(data.usage).toMatchObject({ input_tokens: 20, output_tokens: 4, cache_read_input_tokens: 10 });
    expect(openaiUpstream.requests.at(-1)!.body).toMatchObject({
      model: 'gpt-5-mini',
      max_completion_tokens: 100,
      stop: ['\n\n'],
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello in French' }],
    });
    expect(await row(response.headers.get('x-triage-decision-id'))).toMatchObject({ status: 200, modelAlias: 'mini', promptTokens: 30, completionTokens: 4 });
  });

  it('streams a tool call as a tool_use block', async () => {
    openaiUpstream.setBehaviour({ toolArguments: '{"path":"README.md"}', chunks: 3 });
    const stream = anthropic.messages.stream({ model: 'triage/toOpenAi', max_tokens: 500, tools: TOOLS, tool_choice: { type: 'any' }, messages: [{ role: 'user', content: 'Read the readme' }] });
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([expect.objectContaining({ type: 'tool_use', name: 'read_file', input: { path: 'README.md' } })]);
    expect(types[0]).toBe('message_start');
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
    expect(openaiUpstream.requests.at(-1)!.body).toMatchObject({
      stream: true,
      tool_choice: 'required',
      tools: [{ type: 'function', function: { name: 'read_file', parameters: TOOLS[0]!.input_schema } }],
    });
  });
});

describe('OpenAI SDK -> Anthropic upstream', () => {
  it('streams text and usage', async () => {
    claude.setBehaviour({ text: 'alpha beta gamma', chunks: 3, usage: { prompt_tokens: 50, completion_tokens: 3, cached_tokens: 0 } });
    const stream = await openai.chat.completions.create({ model: 'triage/toClaude', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Three words' }] });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe('alpha beta gamma');
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 50, completion_tokens: 3 });
    expect(claude.requests.at(-1)!.body).toMatchObject({ model: 'claude-sonnet-4-5', max_tokens: 4096, stream: true });
  });

  it('streams tool-call argument deltas and names dropped parameters in x-triage-warnings', async () => {
    claude.setBehaviour({ toolArguments: '{"path":"a.txt"}', chunks: 3 });
    const { data: stream, response } = await openai.chat.completions
      .create({
        model: 'triage/toClaude',
        stream: true,
        presence_penalty: 0.5,
        tools: [{ type: 'function', function: { name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } } } } }],
        messages: [{ role: 'user', content: 'read a.txt' }],
      })
      .withResponse();
    let args = '';
    let name = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0];
      args += call?.function?.arguments ?? '';
      name += call?.function?.name ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(name).toBe('read_file');
    expect(args).toBe('{"path":"a.txt"}');
    expect(finish).toBe('tool_calls');
    expect(response.headers.get('x-triage-warnings')).toContain('presence_penalty');
  });
});

describe('errors and count_tokens', () => {
  it('answers a bad request with a 400 in Anthropic shape and logs it', async () => {
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'triage/toClaude', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('max_tokens') } });
    await expect(anthropic.messages.create({ model: 'no-such-model', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
      status: 400,
      error: { type: 'error', error: { type: 'invalid_request_error' } },
    });
  });

  it('passes an upstream 429 through in Anthropic shape with the same status', async () => {
    claude.setBehaviour({ respondWith: { status: 429, body: { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } } } });
    await expect(anthropic.messages.create({ model: 'sonnet', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
      status: 429,
      error: { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } },
    });
  });

  it('ends a stream broken by an upstream error event with an Anthropic error event, logged as 502', async () => {
    claude.setBehaviour({ text: 'abcdef', chunks: 6, errorEventAfterEvents: 3 });
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sonnet', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.startsWith('event: message_start\n')).toBe(true);
    expect(text).toContain('event: ping\ndata: {"type":"ping"}');
    expect(text).toContain('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"fake upstream overloaded mid-stream"}}');
    expect(text).not.toContain('message_stop');
    expect(await row(response.headers.get('x-triage-decision-id'))).toMatchObject({ status: 502 });
  });

  it('counts tokens with the SDK', async () => {
    const small = await anthropic.messages.countTokens({ model: 'sonnet', messages: [{ role: 'user', content: 'hi' }] });
    const large = await anthropic.messages.countTokens({ model: 'sonnet', system: 'x'.repeat(4000), tools: TOOLS, messages: [{ role: 'user', content: 'hi' }] });
    expect(small.input_tokens).toBeGreaterThan(0);
    expect(large.input_tokens).toBeGreaterThan(small.input_tokens + 1000);
  });
});

describe('reasoning from an unsigned family, rendered for an Anthropic client', () => {
  it('streams reasoning_content as a thinking block whose signature names the family', async () => {
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) => `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-5-mini', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const body = chunk({ role: 'assistant', content: '' }) + chunk({ reasoning_content: 'Think' }) + chunk({ reasoning_content: 'ing.' }) + chunk({ content: 'Answer.' }) + chunk({}, 'stop') + 'data: [DONE]\n\n';
    openaiUpstream.setBehaviour({ respondWith: { status: 200, body, contentType: 'text/event-stream' } });
    const message = await anthropic.messages.stream({ model: 'triage/toOpenAi', max_tokens: 100, messages: [{ role: 'user', content: 'Think first' }] }).finalMessage();
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Thinking.', signature: 'triage-unsigned:openai' },
      expect.objectContaining({ type: 'text', text: 'Answer.' }),
    ]);
  });
});

describe('gateway keys and limits on /v1/messages', () => {
  let guarded: TestGateway;
  beforeAll(async () => {
    guarded = await startTestGateway({
      raw: {
        server: { bodyLimitBytes: 2000 },
        providers: { claude: { kind: 'anthropic', baseUrl: claude.url } },
        models: { sonnet: { provider: 'claude', id: 'claude-sonnet-4-5' } },
        routers: { default: { strong: 'sonnet', weak: 'sonnet', scorer: 'random', seed: 7 } },
      },
      env: { TRIAGE_API_KEYS: 'gw-key-1' },
    });
  });
  afterAll(async () => guarded.dispose());

  it('accepts the gateway key in x-api-key (as the SDK sends it) and refuses a missing or wrong one in Anthropic shape', async () => {
    claude.setBehaviour({ text: 'hi' });
    const ok = new Anthropic({ baseURL: guarded.url, apiKey: 'gw-key-1', maxRetries: 0 });
    expect((await ok.messages.create({ model: 'sonnet', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })).content).toEqual([{ type: 'text', text: 'hi' }]);
    const wrong = new Anthropic({ baseURL: guarded.url, apiKey: 'nope', maxRetries: 0 });
    await expect(wrong.messages.create({ model: 'sonnet', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
      status: 401,
      error: { type: 'error', error: { type: 'authentication_error' } },
    });
    const missing = await fetch(`${guarded.url}/v1/messages/count_tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it('answers an oversized body with 413 request_too_large and a bad anthropic-version with 400', async () => {
    const big = await fetch(`${guarded.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'gw-key-1' },
      body: JSON.stringify({ model: 'sonnet', max_tokens: 5, messages: [{ role: 'user', content: 'x'.repeat(5000) }] }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
    const version = await fetch(`${guarded.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'gw-key-1', 'anthropic-version': 'latest' },
      body: JSON.stringify({ model: 'sonnet', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(version.status).toBe(400);
    expect(await version.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('anthropic-version') } });
  });
});

describe('blocks only Anthropic models read', () => {
  const document = { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Refund policy: 30 days.' }, title: 'policy.txt' };
  const body = { max_tokens: 50, messages: [{ role: 'user', content: [document, { type: 'text', text: 'How long is the refund window?' }] }] };

  it('reach a Claude model as they were sent', async () => {
    claude.setBehaviour({ text: '30 days.' });
    const response = await fetch(`${gateway.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, model: 'sonnet' }) });
    expect(response.status).toBe(200);
    expect(claude.requests.at(-1)!.body.messages).toEqual(body.messages);
  });

  it('are removed for an OpenAI model, with a note', async () => {
    openaiUpstream.setBehaviour({ text: 'I cannot see it.' });
    const response = await fetch(`${gateway.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, model: 'mini' }) });
    expect(response.status).toBe(200);
    expect(openaiUpstream.requests.at(-1)!.body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'How long is the refund window?' }] }]);
    expect(response.headers.get('x-triage-warnings')).toContain('removed 1 content block(s) only Anthropic models read');
  });

  it('still refuse a known block with a wrong shape', async () => {
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sonnet', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'text' }] }] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });
});

describe('bad input on the Anthropic routes', () => {
  const bodies: Array<[string, string]> = [
    ['not JSON', '{"model":'],
    ['an array', '[1,2]'],
    ['no messages', JSON.stringify({ model: 'sonnet', max_tokens: 5 })],
    ['empty messages', JSON.stringify({ model: 'sonnet', max_tokens: 5, messages: [] })],
    ['a bad role', JSON.stringify({ model: 'sonnet', max_tokens: 5, messages: [{ role: 'system', content: 'hi' }] })],
    ['content a number', JSON.stringify({ model: 'sonnet', max_tokens: 5, messages: [{ role: 'user', content: 42 }] })],
    ['a block without a type', JSON.stringify({ model: 'sonnet', max_tokens: 5, messages: [{ role: 'user', content: [{ text: 'hi' }] }] })],
    ['tool_use input not an object', JSON.stringify({ model: 'sonnet', max_tokens: 5, messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'n', input: 'x' }] }] })],
    ['a bad tool_choice', JSON.stringify({ model: 'sonnet', max_tokens: 5, tool_choice: { type: 'sometimes' }, messages: [{ role: 'user', content: 'hi' }] })],
    ['a zero thinking budget', JSON.stringify({ model: 'sonnet', max_tokens: 5, thinking: { type: 'enabled', budget_tokens: 0 }, messages: [{ role: 'user', content: 'hi' }] })],
    ['temperature above 1', JSON.stringify({ model: 'sonnet', max_tokens: 5, temperature: 1.5, messages: [{ role: 'user', content: 'hi' }] })],
    ['max_tokens a string', JSON.stringify({ model: 'sonnet', max_tokens: '5', messages: [{ role: 'user', content: 'hi' }] })],
    ['an unknown model', JSON.stringify({ model: 'claude-opus-9', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })],
  ];

  it.each(bodies)('%s: a 400 in Anthropic shape, never a 5xx', async (_name, body) => {
    for (const path of ['/v1/messages', '/v1/messages/count_tokens']) {
      const response = await fetch(`${gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if (path.endsWith('count_tokens') && response.status === 200) continue; // count_tokens needs neither max_tokens nor a known model
      expect(response.status, `${path} ${body}`).toBe(400);
      expect(await response.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.any(String) } });
    }
  });
});
