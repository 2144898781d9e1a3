// Reasoning across model families, on recorded-shape agent transcripts (test/fixtures/agent-transcripts):
// the gateway fits the history's reasoning to the family of the model it sends the turn to, the
// request stays valid for that API (the fake Anthropic upstream enforces Anthropic's thinking and
// tool-use rules with its 400s), and the decision row records what was removed or converted.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicRuleViolation } from '../support/anthropic-rules.ts';
import { startFakeAnthropicUpstream } from '../support/fake-anthropic-upstream.ts';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

let claude: Awaited<ReturnType<typeof startFakeAnthropicUpstream>>;
let compatible: FakeUpstream;
let gateway: TestGateway;

function transcript(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/agent-transcripts/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

beforeAll(async () => {
  claude = await startFakeAnthropicUpstream();
  compatible = await startFakeUpstream();
  gateway = await startTestGateway({
    raw: {
      providers: { claude: { kind: 'anthropic', baseUrl: claude.url }, oai: { baseUrl: compatible.url }, vllm: { baseUrl: compatible.url } },
      models: {
        sonnet: { provider: 'claude', id: 'claude-sonnet-4-5' },
        mini: { provider: 'oai', id: 'gpt-5-mini' },
        deepseek: { provider: 'vllm', id: 'deepseek-r1', family: 'other' },
      },
      routers: {
        default: { strong: 'sonnet', weak: 'mini', scorer: 'random', seed: 7 },
        claudeFirst: { strong: 'sonnet', weak: 'mini', scorer: 'random', seed: 7, threshold: 0, fallbacks: ['mini'] },
      },
    },
  });
});

afterAll(async () => {
  await gateway.dispose();
  await claude.close();
  await compatible.close();
});

async function post(path: string, body: Record<string, unknown>) {
  const response = await fetch(`${gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  const id = response.headers.get('x-triage-decision-id');
  let row = id ? await gateway.store.get(id) : undefined;
  for (let i = 0; i < 50 && id && (!row || row.status === 0); i++) {
    await new Promise((r) => setTimeout(r, 20));
    row = await gateway.store.get(id);
  }
  return { status: response.status, text, warnings: response.headers.get('x-triage-warnings') ?? '', row };
}

describe('Claude Code tool loop (Anthropic in)', () => {
  it('to an OpenAI model: signed thinking, cache_control and thinking are removed, the note is logged', async () => {
    compatible.setBehaviour({ text: 'Guard the empty cart.' });
    const answer = await post('/v1/messages', { ...transcript('claude-code-tool-loop'), model: 'mini', stream: false });
    expect(answer.status).toBe(200);
    const sent = compatible.requests.at(-1)!.body;
    const text = JSON.stringify(sent);
    for (const field of ['reasoning_details', 'reasoning_content', 'cache_control', 'signature', '"thinking"']) expect(text).not.toContain(field);
    expect(sent.reasoning_effort).toBe('medium');
    // Every tool message answers a tool call of the assistant turn before it.
    expect(sent.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'tool']);
    expect(sent.messages[3].tool_call_id).toBe(sent.messages[2].tool_calls[0].id);
    expect(sent.messages[5].tool_call_id).toBe(sent.messages[4].tool_calls[0].id);
    expect(answer.warnings).toContain('reasoning: removed 2 Anthropic thinking block(s) a openai model cannot read');
    expect(answer.row?.reason).toContain('reasoning: removed 2 Anthropic thinking block(s) a openai model cannot read');
  });

  it('to Claude: the same history arrives unchanged (signatures, order, cache_control, thinking) and nothing is noted', async () => {
    claude.setBehaviour({ text: 'Fixed.' });
    const body = transcript('claude-code-tool-loop');
    const answer = await post('/v1/messages', { ...body, model: 'sonnet', stream: false });
    expect(answer.status, answer.text).toBe(200);
    const sent = claude.requests.at(-1)!.body;
    expect(sent.messages).toEqual(body['messages']);
    expect(sent.system).toEqual(body['system']);
    expect(sent.tools).toEqual(body['tools']);
    expect(sent.thinking).toEqual(body['thinking']);
    expect(answer.row?.reason).not.toContain('reasoning:');
  });
});

describe('switching back to Claude after an unsigned-reasoning model served a tool turn', () => {
  it('is a request Anthropic would refuse as it stands (the check can fail)', () => {
    expect(anthropicRuleViolation(transcript('family-switch-back-to-claude'))).toMatch(/Invalid `signature`/);
  });

  it('to Claude: the foreign thinking is removed, thinking is turned off for the call, and the request is valid', async () => {
    claude.setBehaviour({ text: 'Fixed it.' });
    const answer = await post('/v1/messages', { ...transcript('family-switch-back-to-claude'), model: 'sonnet', stream: false });
    expect(answer.status, answer.text).toBe(200);
    const sent = claude.requests.at(-1)!.body;
    expect(anthropicRuleViolation(sent)).toBeNull();
    expect(sent.thinking).toBeUndefined();
    expect(JSON.stringify(sent)).not.toContain('triage-unsigned');
    // Claude's own signed thinking from the first turn stays where it was.
    expect(sent.messages[1].content[0]).toMatchObject({ type: 'thinking', signature: expect.stringMatching(/^EqMC/) });
    expect(answer.row?.reason).toContain('reasoning: removed 1 unsigned reasoning trace(s) a anthropic model cannot read');
    expect(answer.row?.reason).toContain('thinking turned off for this call');
  });

  it('to the unsigned family again: its thinking goes back as reasoning_content, Claude\u2019s is removed', async () => {
    compatible.setBehaviour({ text: 'ok' });
    const answer = await post('/v1/messages', { ...transcript('family-switch-back-to-claude'), model: 'deepseek', stream: false });
    expect(answer.status, answer.text).toBe(200);
    const sent = compatible.requests.at(-1)!.body;
    const assistants = sent.messages.filter((m: { role: string }) => m.role === 'assistant');
    expect(assistants[0].reasoning_content).toBeUndefined();
    expect(assistants[1].reasoning_content).toBe('total() probably throws for an empty list; checking the helper.');
    expect(JSON.stringify(sent)).not.toContain('reasoning_details');
    expect(answer.row?.reason).toContain('converted 1 thinking block(s) back to reasoning_content');
    expect(answer.row?.reason).toContain('removed 1 Anthropic thinking block(s) a other model cannot read');
  });
});

describe('OpenAI-protocol agent with reasoning from three families (Chat Completions in)', () => {
  it('to Claude: only the Anthropic-signed thinking is sent, on its own turn', async () => {
    claude.setBehaviour({ text: 'Added the check.' });
    const answer = await post('/v1/chat/completions', { ...transcript('openai-agent-mixed-reasoning'), model: 'sonnet' });
    expect(answer.status, answer.text).toBe(200);
    const sent = claude.requests.at(-1)!.body;
    expect(anthropicRuleViolation(sent)).toBeNull();
    const thinking = sent.messages.flatMap((m: { content: Array<{ type: string }> }, i: number) => m.content.filter((b) => b.type === 'thinking' || b.type === 'redacted_thinking').map((b) => ({ i, b })));
    expect(thinking).toEqual([{ i: 3, b: expect.objectContaining({ type: 'thinking', signature: expect.stringMatching(/^EqMC/) }) }]);
    expect(JSON.stringify(sent)).not.toContain('gAAAAAB');
    expect(answer.row?.reason).toContain('removed 1 unsigned reasoning trace(s) a anthropic model cannot read');
    expect(answer.row?.reason).toContain('removed 1 encrypted reasoning item(s) a anthropic model cannot read');
  });

  it('to an OpenAI model: no reasoning of any family is sent', async () => {
    compatible.setBehaviour({ text: 'ok' });
    const answer = await post('/v1/chat/completions', { ...transcript('openai-agent-mixed-reasoning'), model: 'mini' });
    expect(answer.status).toBe(200);
    const text = JSON.stringify(compatible.requests.at(-1)!.body);
    for (const field of ['reasoning_details', 'reasoning_content', 'gAAAAAB']) expect(text).not.toContain(field);
    expect(answer.row?.reason).toMatch(/removed 1 Anthropic thinking block\(s\).*removed 1 unsigned reasoning trace\(s\).*removed 1 encrypted reasoning item\(s\)/);
  });
});

describe('a fallback that crosses families', () => {
  it('fits the history again for the model that serves after the first one failed, and streams its answer', async () => {
    claude.setBehaviour({ respondWith: { status: 503, body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } } });
    compatible.setBehaviour({ toolArguments: '{"file_path":"src/cart.ts"}', chunks: 3 });
    const sentBefore = claude.requests.length;
    const answer = await post('/v1/messages', { ...transcript('claude-code-tool-loop'), model: 'triage/claudeFirst' });
    expect(answer.status).toBe(200);
    // The fake calls the first tool (Read) whenever the request has tools.
    expect(answer.text).toMatch(/"content_block":\{"type":"tool_use","id":"[^"]+","name":"Read"/);
    const json = [...answer.text.matchAll(/"partial_json":"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string).join('');
    expect(JSON.parse(json)).toEqual({ file_path: 'src/cart.ts' });
    expect(answer.text).toContain('event: message_stop');
    // The Claude attempt got the thinking blocks; the OpenAI one did not.
    expect(JSON.stringify(claude.requests.at(-1)!.body)).toContain('"signature"');
    expect(claude.requests.length).toBe(sentBefore + 1);
    expect(JSON.stringify(compatible.requests.at(-1)!.body)).not.toContain('reasoning_details');
    expect(answer.row).toMatchObject({ status: 200, modelAlias: 'mini', fallbackUsed: true });
    expect(answer.row?.reason).toContain('reasoning: removed 2 Anthropic thinking block(s) a openai model cannot read');
    expect(answer.row?.reason).toContain('retried on mini');
  });
});
