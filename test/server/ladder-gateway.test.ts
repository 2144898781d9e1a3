// Ladders, tiers, agent signals and sessions through the real gateway (HTTP on loopback, the
// official `openai` client, a fake upstream, a real SQLite log). Scores come from the seeded random
// scorer, the real one: the prompts for each rung are found by scoring candidates with it here.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandomScorer } from '../../src/scoring/random.ts';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

const SEED = 7;
const LADDER = [{ model: 'frontier', minScore: 0.8 }, { model: 'mid', minScore: 0.4 }, { model: 'small' }];

let upstream: FakeUpstream;
let gateway: TestGateway;
let client: OpenAI;
/** One prompt per rung (0 = frontier, 1 = mid, 2 = small) under the seeded random scorer, several each. */
const prompts: string[][] = [[], [], []];
/** A prompt scored in [0.5, 0.8): mid on the ladder as configured, frontier once the top cut is 0.5. */
let upperMid = '';

async function findPrompts(): Promise<void> {
  const scorer = createRandomScorer({ seed: SEED });
  for (let i = 0; prompts.some((band) => band.length < 4) || !upperMid; i++) {
    const content = `step ${i}: change the retry loop`;
    const { score } = await scorer.score({ model: 'x', messages: [{ role: 'user', content }] });
    const band = prompts[score >= 0.8 ? 0 : score >= 0.4 ? 1 : 2]!;
    if (band.length < 4) band.push(content);
    if (!upperMid && score >= 0.5 && score < 0.8) upperMid = content;
  }
  if (!upperMid) throw new Error('no prompt scored in [0.5, 0.8) among the candidates');
}

beforeAll(async () => {
  await findPrompts();
  upstream = await startFakeUpstream({ text: 'ok' });
  const model = (id: string, price: Record<string, number>) => ({ provider: 'p', id, pricePerMTok: price });
  gateway = await startTestGateway({
    raw: {
      providers: { p: { baseUrl: upstream.url } },
      models: {
        frontier: model('fake-frontier', { input: 3, output: 15, cachedInput: 0.3 }),
        mid: model('fake-mid', { input: 1, output: 4, cachedInput: 0.1 }),
        small: model('fake-small', { input: 0.1, output: 0.4 }),
        chores: model('fake-chores', { input: 0.05, output: 0.1 }),
        reasoner: model('fake-reasoner', { input: 5, output: 20 }),
      },
      routers: {
        default: { ladder: LADDER, scorer: 'random', seed: SEED, retryOnOtherModel: true },
        agents: {
          ladder: LADDER, scorer: 'random', seed: SEED,
          signals: { background: { model: 'chores' }, thinking: { model: 'reasoner' } },
          sessions: { escalateOnly: { holdTurns: 2 } },
        },
      },
      tiers: { internal: { model: 'chores' } },
    },
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.dispose();
  await upstream?.close();
});

async function ask(model: string, content: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const { data, response } = await client.chat.completions
    .create({ model, messages: [{ role: 'user', content }], ...extra } as OpenAI.ChatCompletionCreateParamsNonStreaming, { headers })
    .withResponse();
  const id = response.headers.get('x-triage-decision-id')!;
  await gateway.store.flush();
  const row = await gateway.store.get(id);
  if (!row) throw new Error(`no row for ${id}`);
  return { data, headers: response.headers, row, sent: upstream.requests.at(-1)!.body };
}

describe('a three-model ladder', () => {
  it.each([
    [0, 'frontier', 'score>=0.8 rung:0/3', 'strong'],
    [1, 'mid', 'score>=0.4 rung:1/3', 'weak'],
    [2, 'small', 'score<0.4 rung:2/3', 'weak'],
  ] as const)('routes rung %s to %s by score', async (rung, alias, reason, tier) => {
    for (const content of prompts[rung]!.slice(0, 2)) {
      const { headers, row, sent } = await ask('triage', content);
      expect(sent.model).toBe(`fake-${alias}`);
      expect(headers.get('x-triage-rung')).toBe(`${rung}/3`);
      expect(headers.get('x-triage-reason')).toBe(reason);
      expect(headers.get('x-triage-threshold')).toBe('0.8');
      expect(row).toMatchObject({ router: 'default', modelAlias: alias, reason, tier, status: 200 });
    }
  });

  it('falls back to the next stronger rung when the chosen one fails', async () => {
    upstream.setBehaviour({ respondWith: { status: 503, body: { error: { message: 'down' } }, model: 'fake-mid' } });
    try {
      const { headers, row, sent } = await ask('triage', prompts[1]![2]!);
      expect(sent.model).toBe('fake-frontier');
      expect(headers.get('x-triage-rung')).toBe('0/3');
      expect(row).toMatchObject({ modelAlias: 'frontier', fallbackUsed: true });
      expect(row.reason).toMatch(/^score>=0\.4 rung:1\/3; retried on frontier after/);
    } finally {
      upstream.setBehaviour({ respondWith: undefined });
    }
  });

  it('logs a rung below the top as weak when a fallback lands there', async () => {
    upstream.setBehaviour({ respondWith: { status: 503, body: { error: { message: 'down' } }, model: 'fake-frontier' } });
    try {
      const { headers, row, sent } = await ask('triage', prompts[0]![2]!);
      expect(sent.model).toBe('fake-mid');
      expect(headers.get('x-triage-rung')).toBe('1/3');
      expect(row).toMatchObject({ modelAlias: 'mid', tier: 'weak', fallbackUsed: true });
    } finally {
      upstream.setBehaviour({ respondWith: undefined });
    }
  });
});

describe('named tiers by model name', () => {
  it('serves triage/internal from its configured model and triage/frontier by its mode table', async () => {
    const internal = await ask('triage/internal', prompts[0]![0]!);
    expect(internal.sent.model).toBe('fake-chores');
    expect(internal.row).toMatchObject({ router: 'tier:internal', modelAlias: 'chores' });
    const frontier = await ask('triage/frontier', prompts[2]![0]!, {}, { 'x-triage-mode': 'code' });
    expect(frontier.sent.model).toBe('fake-frontier');
    expect(frontier.row).toMatchObject({ router: 'tier:frontier', reason: 'mode:code' });
    // balanced puts the top cut at 0.5 (the ladder's lower cut moves with it, to 0.1): a prompt
    // scored in [0.5, 0.8) goes to frontier there, and to mid on the ladder as configured.
    expect((await ask('triage', upperMid)).row).toMatchObject({ modelAlias: 'mid' });
    const balanced = await ask('triage/balanced', upperMid);
    expect(balanced.row).toMatchObject({ router: 'tier:balanced', modelAlias: 'frontier', threshold: 0.5 });
    expect((await ask('triage/balanced', prompts[2]![0]!)).row.reason).toMatch(/^score(>=|<)0\.1 rung:/);
  });

  it('routes a tier on the pass-through endpoints too (/v1/responses, /v1/completions)', async () => {
    const response = await fetch(`${gateway.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'triage/internal', input: 'name this chat' }),
    });
    expect(response.status).toBe(200);
    expect(upstream.requests.at(-1)!.body.model).toBe('fake-chores');
    expect(response.headers.get('x-triage-router')).toBe('tier:internal');
    const completion = await fetch(`${gateway.url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'triage/internal', prompt: 'name this chat' }),
    });
    expect(completion.status).toBe(200);
    expect(upstream.requests.at(-1)!.body.model).toBe('fake-chores');
  });

  it('lists the tiers in /v1/models with their models', async () => {
    const list = (await (await fetch(`${gateway.url}/v1/models`)).json()) as { data: Array<Record<string, unknown>> };
    expect(list.data.find((m) => m['id'] === 'triage/internal')).toMatchObject({ tier: 'internal', ladder: ['chores'] });
    expect(list.data.find((m) => m['id'] === 'triage/balanced')).toMatchObject({ ladder: ['frontier', 'mid', 'small'], threshold: 0.5 });
    expect(list.data.find((m) => m['id'] === 'triage/default')).toMatchObject({ ladder: ['frontier', 'mid', 'small'], strong: 'frontier', weak: 'small' });
  });

  it('answers a bad tier name with a 400 listing the valid ones', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'triage/premium', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('model_not_found');
    for (const tier of ['frontier', 'balanced', 'economy', 'internal']) expect(body.error.message).toContain(`triage/${tier}`);
    // This gateway has no zero-priced models, so it offers no free tier.
    expect(body.error.message.split('valid names:')[1]).not.toContain('triage/free');
  });
});

describe('agent signals as the logged reason', () => {
  it('sends a Claude Code title chore to the chores model and a thinking request to the reasoner', async () => {
    const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/agent-requests/claude-code-topic-title.json'), 'utf8')) as { request: Record<string, unknown> };
    const { metadata: _metadata, ...chore } = fixture.request;
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...chore, model: 'triage/agents' }),
    });
    expect(response.status).toBe(200);
    await gateway.store.flush();
    const choreRow = await gateway.store.get(response.headers.get('x-triage-decision-id')!);
    expect(choreRow).toMatchObject({ router: 'agents', modelAlias: 'chores', reason: 'background:chore(topic)', score: null });
    expect(upstream.requests.at(-1)!.body.model).toBe('fake-chores');

    const thinking = await ask('triage/agents', prompts[2]![0]!, { reasoning_effort: 'high' });
    expect(thinking.sent.model).toBe('fake-reasoner');
    expect(thinking.row).toMatchObject({ modelAlias: 'reasoner', reason: 'thinking:reasoning_effort=high' });
    // The reasoner is off the ladder: no rung header.
    expect(thinking.headers.get('x-triage-rung')).toBeNull();
    const dry = await fetch(`${gateway.url}/v1/route`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'triage/agents', max_tokens: 1, messages: [{ role: 'user', content: 'quota' }] }),
    });
    expect(await dry.json()).toMatchObject({ model: 'chores', reason: 'background:max_tokens=1', signal: 'background', rung: null, rungs: 3 });
  });
});

describe('sessions', () => {
  it('holds a session on the rung it escalated to for holdTurns turns (escalate-only)', async () => {
    const session = { 'x-triage-session': 'sess-escalate-1' };
    const small = prompts[2]!;
    const served: string[] = [];
    const reasons: string[] = [];
    for (const content of [small[0]!, prompts[0]![1]!, small[1]!, small[2]!, small[3]!]) {
      const { row } = await ask('triage/agents', content, {}, session);
      served.push(row.modelAlias!);
      reasons.push(row.reason);
      expect(row.tags['session']).toBe('sess-escalate-1');
    }
    expect(served).toEqual(['small', 'frontier', 'frontier', 'frontier', 'small']);
    expect(reasons[2]).toBe('score<0.4 rung:2/3; session:escalate-only held rung 0 (1 turns left)');
    // Another session, and a request with no session, are not held.
    expect((await ask('triage/agents', small[0]!, {}, { 'x-triage-session': 'sess-other' })).row.modelAlias).toBe('small');
    expect((await ask('triage/agents', small[0]!)).row.modelAlias).toBe('small');
  });

  it('reads the session from metadata.session_id, and /v1/route dry runs do not move it', async () => {
    const metadata = { session_id: 'sess-meta-1' };
    expect((await ask('triage/agents', prompts[0]![0]!, { metadata })).row.modelAlias).toBe('frontier');
    const dry = await fetch(`${gateway.url}/v1/route`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'triage/agents', metadata, messages: [{ role: 'user', content: prompts[2]![0] }] }),
    });
    expect(await dry.json()).toMatchObject({ model: 'frontier', rung: 0, rungs: 3, signal: null });
    // The dry run spent none of the hold: two real turns are still held.
    expect((await ask('triage/agents', prompts[2]![1]!, { metadata })).row.reason).toMatch(/held rung 0 \(1 turns left\)$/);
    expect((await ask('triage/agents', prompts[2]![2]!, { metadata })).row.reason).toMatch(/held rung 0 \(0 turns left\)$/);
    expect((await ask('triage/agents', prompts[2]![3]!, { metadata })).row.modelAlias).toBe('small');
  });

  it('rejects a malformed session id with a 400', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-triage-session': 'x'.repeat(200) },
      body: JSON.stringify({ model: 'triage/agents', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_session');
  });
});

describe('a budget target on a ladder', () => {
  // A budget far below any request's worst case: every rung but the bottom one is priced out, and
  // onExhausted: weak sends the request to the bottom rung. A middle rung is priced as itself (not
  // as the bottom rung), so a mid-scored request is moved down too.
  it('prices the chosen rung and moves a request that does not fit to the bottom rung', async () => {
    const budgeted = await startTestGateway({
      learning: true,
      raw: {
        providers: { p: { baseUrl: upstream.url } },
        models: {
          frontier: { provider: 'p', id: 'fake-frontier', pricePerMTok: { input: 3, output: 15 } },
          mid: { provider: 'p', id: 'fake-mid', pricePerMTok: { input: 1, output: 4 } },
          small: { provider: 'p', id: 'fake-small', pricePerMTok: { input: 0, output: 0 } },
        },
        routers: { default: { ladder: LADDER, scorer: 'random', seed: SEED, target: { budgetUsd: 1e-9, period: 'day', onExhausted: 'weak' } } },
      },
    });
    try {
      const budgetClient = new OpenAI({ baseURL: `${budgeted.url}/v1`, apiKey: 'k', maxRetries: 0 });
      const { response } = await budgetClient.chat.completions.create({ model: 'triage', messages: [{ role: 'user', content: prompts[1]![0]! }] }).withResponse();
      await budgeted.store.flush();
      const row = await budgeted.store.get(response.headers.get('x-triage-decision-id')!);
      expect(row).toMatchObject({ modelAlias: 'small', tier: 'weak' });
      expect(row?.reason).toMatch(/rung:1\/3; budget: weak$/);
      expect(response.headers.get('x-triage-rung')).toBe('2/3');
    } finally {
      await budgeted.dispose();
    }
  });
});

describe('a share target on a ladder', () => {
  /** The first candidate prompt the seeded random scorer puts in [low, high). */
  async function promptIn(low: number, high: number): Promise<string> {
    const scorer = createRandomScorer({ seed: SEED });
    for (let i = 0; i < 10_000; i++) {
      const content = `share probe ${i}`;
      const { score } = await scorer.score({ model: 'x', messages: [{ role: 'user', content }] });
      if (score >= low && score < high) return content;
    }
    throw new Error(`no candidate scored in [${low}, ${high})`);
  }

  // Before its warm-up the share controller holds its prior, 1 - share: 0.7 for @s30. The top cut
  // moves from 0.8 to 0.7 and the lower cut keeps its spacing, from 0.4 to 0.3.
  it('moves the top cut to the controller\'s threshold and keeps the lower cut\'s spacing', async () => {
    const shared = await startTestGateway({
      learning: true,
      raw: {
        providers: { p: { baseUrl: upstream.url } },
        models: { frontier: { provider: 'p', id: 'fake-frontier' }, mid: { provider: 'p', id: 'fake-mid' }, small: { provider: 'p', id: 'fake-small' } },
        routers: { default: { ladder: LADDER, scorer: 'random', seed: SEED } },
      },
    });
    try {
      const shareClient = new OpenAI({ baseURL: `${shared.url}/v1`, apiKey: 'k', maxRetries: 0 });
      const cases: Array<[number, number, string, string]> = [
        [0.7, 0.8, 'fake-frontier', 'score>=0.7 rung:0/3'],
        [0.3, 0.4, 'fake-mid', 'score>=0.3 rung:1/3'],
        [0, 0.3, 'fake-small', 'score<0.3 rung:2/3'],
      ];
      for (const [low, high, model, reason] of cases) {
        const content = await promptIn(low, high);
        const { data, response } = await shareClient.chat.completions.create({ model: 'triage@s30', messages: [{ role: 'user', content }] }).withResponse();
        expect(data.model).toBe(model);
        expect(response.headers.get('x-triage-threshold-source')).toBe('share-controller');
        expect(response.headers.get('x-triage-threshold')).toBe('0.7');
        expect(response.headers.get('x-triage-reason')).toBe(reason);
      }
    } finally {
      await shared.dispose();
    }
  });
});
