// Agent signals at their edges, by hand: the 4-characters-a-token estimate over text parts (joined
// by one character each, other parts ignored even when they carry text), tool definitions counted
// only when there are some, negative max_tokens ignored, the background rule's bounds (an empty
// tools list is no tools; developer text is instruction text; instructions joined by a newline; the
// instruction limit itself allowed), the thinking field's shapes, and each detector's exact choice.

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { ChatMessage, ChatRequest } from '../../src/protocol/chat.ts';
import { backgroundReason, estimatePromptTokens, maxTokensOf, readSignals, thinkingReason } from '../../src/routing/signals.ts';

const config = parseConfig(
  {
    providers: { p: { baseUrl: 'http://127.0.0.1:1/v1' } },
    models: { big: { provider: 'p', id: 'big-1' }, small: { provider: 'p', id: 'small-1' }, long: { provider: 'p', id: 'long-1' } },
    routers: {
      default: {
        strong: 'big', weak: 'small', scorer: 'random',
        signals: { background: { maxInstructionChars: 40 }, longContext: { minPromptTokens: 10, model: 'long' }, thinking: {} },
      },
    },
  },
  'test',
);
const router = config.routers['default']!;
const background = router.signals!.background!;
const request = (messages: ChatMessage[], extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'triage', messages, ...extra });
const user = (content: ChatMessage['content']): ChatMessage => ({ role: 'user', content });

describe('estimatePromptTokens', () => {
  it('counts text parts with one joining character between them', () => {
    // 4 + 4 + 4 characters and 2 joins: 14 characters, 4 tokens.
    expect(estimatePromptTokens([user([{ type: 'text', text: 'aaaa' }, { type: 'text', text: 'bbbb' }, { type: 'text', text: 'cccc' }])])).toBe(4);
    // 5 + 4 + 4 and 2 joins: 15 characters, still 4 tokens (not 17).
    expect(estimatePromptTokens([user([{ type: 'text', text: 'aaaaa' }, { type: 'text', text: 'bbbb' }, { type: 'text', text: 'cccc' }])])).toBe(4);
    expect(estimatePromptTokens([user([{ type: 'text', text: 'aaaaaaaa' }])])).toBe(2);
  });

  it('ignores parts that are not text, even with a text field, and messages with no content', () => {
    const parts = [{ type: 'text', text: 'aaaaaaaa' }, { type: 'image_url', image_url: { url: 'x'.repeat(400) } }, { type: 'refusal', text: 'r'.repeat(400) }];
    expect(estimatePromptTokens([user(parts)])).toBe(2);
    expect(estimatePromptTokens([{ role: 'assistant', content: null, tool_calls: [{ id: 't' }] }, user('aaaa')])).toBe(1);
    // A client may send a text part whose text is not a string: it counts as no text, not NaN.
    expect(estimatePromptTokens([user([{ type: 'text', text: 5 }, { type: 'text', text: 'aaaa' }])])).toBe(1);
  });

  it('adds the tool definitions only when there are some', () => {
    expect(estimatePromptTokens([user('aaaaaaaa')], [])).toBe(2);
    // [{"a":1}] is 9 characters: 17 in all, 5 tokens.
    expect(estimatePromptTokens([user('aaaaaaaa')], [{ a: 1 }])).toBe(5);
  });
});

describe('maxTokensOf', () => {
  it('takes a whole number at or above 0, max_completion_tokens first', () => {
    expect(maxTokensOf(request([], { max_tokens: -1 }))).toBeUndefined();
    expect(maxTokensOf(request([], { max_tokens: 0 }))).toBe(0);
    expect(maxTokensOf(request([], { max_tokens: 2.5 }))).toBeUndefined();
    expect(maxTokensOf(request([], { max_completion_tokens: 7, max_tokens: 9 }))).toBe(7);
    expect(maxTokensOf(request([], { max_completion_tokens: -7, max_tokens: 9 }))).toBe(9);
  });
});

describe('backgroundReason edges', () => {
  const system = (content: string): ChatMessage => ({ role: 'system', content });

  it('treats an empty tools list as no tools', () => {
    expect(backgroundReason(request([user('hi')], { max_tokens: 1, tools: [] }), background)).toBe('background:max_tokens=1');
    expect(backgroundReason(request([user('hi')], { max_tokens: 1, tools: [{ type: 'function' }] }), background)).toBeNull();
  });

  it('reads developer messages as instructions', () => {
    expect(backgroundReason(request([{ role: 'developer', content: 'Write a title' }, user('my essay')]), background)).toBe('background:chore(title)');
  });

  it('joins instruction messages with a newline, so a cue cannot run into the next message', () => {
    expect(backgroundReason(request([system('Give a title'), system('please'), user('x')]), background)).toBe('background:chore(title)');
    expect(backgroundReason(request([system('Write a title'), system('xyz'), user('x')]), background)).toBe('background:chore(title)');
    // The joined text counts the newline: 20 + 1 + 20 characters is past the limit of 40.
    expect(backgroundReason(request([system('Write a title now ok'), system('y'.repeat(19)), user('x')]), background)).toBe('background:chore(title)');
    expect(backgroundReason(request([system('Write a title now ok'), system('y'.repeat(20)), user('x')]), background)).toBeNull();
  });

  it('allows an instruction of exactly maxInstructionChars', () => {
    const text = 'Write a title'.padEnd(40, '.');
    expect(backgroundReason(request([system(text), user('x')]), background)).toBe('background:chore(title)');
    expect(backgroundReason(request([system(`${text}.`), user('x')]), background)).toBeNull();
  });
});

describe('thinkingReason shapes', () => {
  it.each([
    [{ reasoning_effort: 'high' }, 'thinking:reasoning_effort=high'],
    [{ reasoning_effort: 'a-very-long-effort-name' }, 'thinking:reasoning_effort=a-very-long-effo'],
    [{ reasoning_effort: 'none' }, null],
    [{ thinking: null }, null],
    [{ thinking: false }, null],
    [{ thinking: true }, 'thinking:thinking'],
    [{ thinking: 'enabled' }, 'thinking:thinking'],
    [{ thinking: { type: 'disabled' } }, null],
    [{ thinking: { type: 'enabled', budget_tokens: 1024 } }, 'thinking:thinking'],
    [{ thinking: {} }, 'thinking:thinking'],
    [{}, null],
  ])('%o -> %s', (extra, reason) => {
    expect(thinkingReason(request([user('x')], extra))).toBe(reason);
  });
});

describe('readSignals choices', () => {
  it('names the signal, model, tier and reason of each detector', () => {
    expect(readSignals({ request: request([user('a'.repeat(44))]), router, mode: null })).toEqual({ signal: 'long-context', model: 'long', tier: 'strong', reason: 'long-context:~11>10 tokens' });
    expect(readSignals({ request: request([user('a'.repeat(40))]), router, mode: null })).toBeNull();
    expect(readSignals({ request: request([user('x')], { reasoning_effort: 'low' }), router, mode: null })).toEqual({ signal: 'thinking', model: 'big', tier: 'strong', reason: 'thinking:reasoning_effort=low' });
    expect(readSignals({ request: request([user('x')]), router, mode: 'review' })).toEqual({ signal: 'mode', model: 'big', tier: 'strong', reason: 'mode:review' });
    expect(readSignals({ request: request([user('x')]), router, mode: 'summarize' })).toEqual({ signal: 'mode', model: 'small', tier: 'weak', reason: 'mode:summarize' });
    expect(readSignals({ request: request([user('x')], { max_tokens: 5 }), router, mode: null })).toEqual({ signal: 'background', model: 'small', tier: 'weak', reason: 'background:max_tokens=5' });
  });
});
