// Agent signals before any guessing: the background rule on recorded request shapes (fixtures in
// test/fixtures/agent-requests), thinking and long-context detection, and the precedence table
// (long context, thinking, mode, background, then the score) through decide() with a counting
// scorer that fails the test if it is consulted when a signal should have decided.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { RouterConfig } from '../../src/config/types.ts';
import type { ChatRequest } from '../../src/protocol/chat.ts';
import { decide } from '../../src/routing/decide.ts';
import { backgroundReason, estimatePromptTokens, maxTokensOf, SIGNAL_PRECEDENCE, thinkingReason } from '../../src/routing/signals.ts';
import { createScorerPool } from '../../src/scoring/pool.ts';
import type { Scorer } from '../../src/scoring/scorer.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/agent-requests');

interface Fixture {
  note: string;
  expect: string | null;
  thinking?: string;
  request: ChatRequest;
}

function fixture(name: string): Fixture {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Fixture;
}

const config = parseConfig(
  {
    providers: { p: { baseUrl: 'http://127.0.0.1:1/v1' } },
    models: {
      frontier: { provider: 'p', id: 'frontier-1' },
      mid: { provider: 'p', id: 'mid-1' },
      small: { provider: 'p', id: 'small-1' },
      chores: { provider: 'p', id: 'chores-1' },
      long: { provider: 'p', id: 'long-1' },
      reasoner: { provider: 'p', id: 'reasoner-1' },
    },
    routers: {
      default: {
        ladder: [{ model: 'frontier', minScore: 0.8 }, { model: 'mid', minScore: 0.4 }, { model: 'small' }],
        scorer: 'random',
        signals: { background: { model: 'chores' }, longContext: { minPromptTokens: 1000, model: 'long' }, thinking: { model: 'reasoner' } },
      },
      plain: { ladder: [{ model: 'frontier', minScore: 0.8 }, { model: 'mid', minScore: 0.4 }, { model: 'small' }], scorer: 'random', signals: { background: {}, thinking: {} } },
    },
  },
  'test',
);
const router = config.routers['default']!;
const background = router.signals!.background!;

function counting(score: number): Scorer & { calls: number } {
  const scorer = { calls: 0, name: 'fixed', score: async () => { scorer.calls++; return { score }; }, close: async () => {} };
  return scorer;
}

function run(r: RouterConfig, request: ChatRequest, scorer: Scorer, mode: string | null = null) {
  return decide({ request, routerName: 'r', router: r, scorers: createScorerPool(async () => scorer), mode });
}

describe('the background rule on recorded request shapes', () => {
  const names = readdirSync(FIXTURES).filter((name) => name.endsWith('.json')).sort();

  it('has the fixtures this suite is about', () => {
    expect(names.length).toBeGreaterThanOrEqual(8);
  });

  it.each(names)('%s', async (name) => {
    const { request, expect: expected } = fixture(name);
    expect(backgroundReason(request, background)).toBe(expected);
    // Through decide(): a background shape goes to the chores model without scoring; others are scored
    // (thinking and long context are off on this router copy, so only the background rule can fire).
    const scorer = counting(0.9);
    const onlyBackground: RouterConfig = { ...router, signals: { background } };
    const decision = await run(onlyBackground, request, scorer);
    if (expected) {
      expect(decision).toMatchObject({ modelAlias: 'chores', reason: expected, signal: 'background', score: null, forced: true, tier: 'weak' });
      expect(scorer.calls).toBe(0);
    } else {
      expect(decision).toMatchObject({ modelAlias: 'frontier', signal: null, forced: false });
      expect(scorer.calls).toBe(1);
    }
  });

  it.each([
    // [max_tokens, tools, system prompt, expected]
    [64, false, null, 'background:max_tokens=64'],
    [65, false, null, null],
    [0, false, null, 'background:max_tokens=0'],
    [1024, false, 'Name this branch: give a branch name for the change.', 'background:chore(branch name)'],
    [1025, false, 'Give a title for the chat.', null], // a chore prompt, but a large max_tokens
    [undefined, false, 'Give a title for the chat.', 'background:chore(title)'],
    [undefined, false, 'Please summarise the thread.', 'background:chore(summarise)'],
    [10, true, 'Give a title for the chat.', null], // tools: an agent step
    [undefined, false, 'You are a helpful assistant.', null],
  ] as const)('max_tokens %s, tools %s, system %j -> %s', (maxTokens, tools, system, expected) => {
    const request: ChatRequest = {
      model: 'triage',
      messages: [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user', content: 'hello there' }],
      ...(maxTokens !== undefined ? { max_tokens: maxTokens } : {}),
      ...(tools ? { tools: [{ type: 'function', function: { name: 'x' } }] } : {}),
    };
    expect(backgroundReason(request, background)).toBe(expected);
  });

  it('reads max_completion_tokens before max_tokens and ignores non-integers', () => {
    const base: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'x' }] };
    expect(maxTokensOf({ ...base, max_completion_tokens: 5, max_tokens: 500 })).toBe(5);
    expect(maxTokensOf({ ...base, max_tokens: 2.5 })).toBeUndefined();
    expect(maxTokensOf({ ...base, max_tokens: '5' })).toBeUndefined();
  });
});

describe('thinking and long context', () => {
  const user = (content: string): ChatRequest => ({ model: 'triage', messages: [{ role: 'user', content }] });

  it.each([
    [{ reasoning_effort: 'high' }, 'thinking:reasoning_effort=high'],
    [{ reasoning_effort: 'low' }, 'thinking:reasoning_effort=low'],
    [{ reasoning_effort: 'none' }, null],
    [{ thinking: { type: 'enabled', budget_tokens: 2000 } }, 'thinking:thinking'],
    [{ thinking: { type: 'disabled' } }, null],
    [{ thinking: null }, null],
    [{}, null],
  ])('%j -> %s', (extra, expected) => {
    expect(thinkingReason({ ...user('x'), ...extra })).toBe(expected);
  });

  it('estimates prompt tokens at 4 characters a token over all messages and the tools', () => {
    expect(estimatePromptTokens([{ role: 'system', content: 'a'.repeat(8) }, { role: 'user', content: [{ type: 'text', text: 'b'.repeat(5) }] }])).toBe(4);
    const tools = [{ type: 'function' }];
    expect(estimatePromptTokens([{ role: 'user', content: '' }], tools)).toBe(Math.ceil(JSON.stringify(tools).length / 4));
  });

  it('sends more than minPromptTokens to the long-context model, and exactly that many to the score', async () => {
    const atLimit = await run(router, user('x'.repeat(4000)), counting(0.1));
    expect(atLimit).toMatchObject({ modelAlias: 'small', signal: null });
    const over = await run(router, user('x'.repeat(4001)), counting(0.1));
    expect(over).toMatchObject({ modelAlias: 'long', signal: 'long-context', reason: 'long-context:~1001>1000 tokens', rung: null, forced: true });
  });

  it('sends thinking requests to the reasoning model, or to the top rung when none is named', async () => {
    const main = fixture('claude-code-main-loop.json');
    // Its long system prompt (about 2,100 estimated tokens) would go to the long-context model first.
    expect(await run(router, main.request, counting(0.1))).toMatchObject({ modelAlias: 'long', signal: 'long-context' });
    const noLong: RouterConfig = { ...router, signals: { ...router.signals, longContext: undefined } };
    expect(await run(noLong, main.request, counting(0.1))).toMatchObject({ modelAlias: 'reasoner', reason: main.thinking, signal: 'thinking' });
    expect(await run(config.routers['plain']!, main.request, counting(0.1))).toMatchObject({ modelAlias: 'frontier', reason: 'thinking:thinking', rung: 0 });
  });
});

describe('precedence', () => {
  it('is the documented order', () => {
    expect(SIGNAL_PRECEDENCE).toEqual(['long-context', 'thinking', 'mode', 'background']);
  });

  // One request that fires every signal; turning them off one by one shows who wins over whom.
  const everything: ChatRequest = {
    model: 'triage',
    max_tokens: 8,
    reasoning_effort: 'high',
    messages: [{ role: 'system', content: 'Give a title for the chat.' }, { role: 'user', content: 'y'.repeat(8000) }],
  };
  it.each([
    ['all signals', router, 'extract', 'long', 'long-context:~2007>1000 tokens'],
    ['no long context', { ...router, signals: { ...router.signals, longContext: undefined } }, 'extract', 'reasoner', 'thinking:reasoning_effort=high'],
    ['mode next', { ...router, signals: { background } }, 'extract', 'small', 'mode:extract'],
    ['a scored mode falls through to background', { ...router, signals: { background } }, 'code', 'chores', 'background:max_tokens=8'],
    ['no signals: the score', { ...router, signals: undefined }, 'code', 'mid', 'score>=0.4 rung:1/3'],
  ] as const)('%s', async (_name, r, mode, model, reason) => {
    const scorer = counting(0.5);
    const decision = await run(r, everything, scorer, mode);
    expect(decision).toMatchObject({ modelAlias: model, reason });
    expect(scorer.calls).toBe(model === 'mid' ? 1 : 0);
  });
});
