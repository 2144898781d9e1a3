// AnswerCapture: what shadow judging keeps of a sampled answer. Text deltas of a stream joined;
// a non-streamed body read later; nothing for a tool call, a second choice or an answer past the
// bound (those are not judged).

import { describe, expect, it } from 'vitest';
import { AnswerCapture } from '../../src/server/answer-capture.ts';

const chunk = (delta: Record<string, unknown>, index = 0) => ({ choices: [{ index, delta, finish_reason: null }] });

describe('AnswerCapture', () => {
  it('joins the content deltas of a stream, ignoring role and usage chunks', () => {
    const capture = new AnswerCapture(100);
    capture.fromChunk(chunk({ role: 'assistant', content: '' }));
    capture.fromChunk(chunk({ content: 'Hello, ' }));
    capture.fromChunk(chunk({ content: 'world.' }));
    capture.fromChunk({ choices: [], usage: { prompt_tokens: 1 } });
    expect(capture.text()).toBe('Hello, world.');
  });

  it('reads a non-streamed body only when asked, and gives null for a body without text', () => {
    const capture = new AnswerCapture(100);
    capture.fromBody(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: 'Paris.' } }] }));
    expect(capture.text()).toBe('Paris.');
    const toolCall = new AnswerCapture(100);
    toolCall.fromBody(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{}] } }] }));
    expect(toolCall.text()).toBeNull();
    const broken = new AnswerCapture(100);
    broken.fromBody('{not json');
    expect(broken.text()).toBeNull();
  });

  it('keeps nothing for a tool call, a second choice, or an answer past the bound', () => {
    const tool = new AnswerCapture(100);
    tool.fromChunk(chunk({ content: 'x' }));
    tool.fromChunk(chunk({ tool_calls: [{ index: 0 }] }));
    expect(tool.text()).toBeNull();
    const second = new AnswerCapture(100);
    second.fromChunk(chunk({ content: 'a' }, 1));
    expect(second.text()).toBeNull();
    const long = new AnswerCapture(10);
    long.fromChunk(chunk({ content: '123456' }));
    long.fromChunk(chunk({ content: '789012' }));
    expect(long.text()).toBeNull();
    const big = new AnswerCapture(10);
    big.fromBody('x'.repeat(70_000));
    expect(big.text()).toBeNull();
  });
});
