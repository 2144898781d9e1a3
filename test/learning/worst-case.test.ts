// The worst-case cost a budget reserves before a request is sent: the prompt estimated at two
// characters per token (of each message's JSON content, plus the tools), and every completion
// token the request allows. Table-driven: the table is the contract for which limit applies.

import { describe, expect, it } from 'vitest';
import { promptTokenEstimate, worstCaseUsd } from '../../src/learning/budget/worst-case.ts';
import type { ChatRequest } from '../../src/protocol/chat.ts';

const request = (fields: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'triage', messages: [{ role: 'user', content: 'abcd' }], ...fields });

describe('promptTokenEstimate', () => {
  it.each([
    // JSON.stringify('abcd') is 6 characters: 3 tokens.
    ['one short message', request(), 3],
    // 'abc' is 5 characters as JSON: rounded up to 3 tokens, never down.
    ['an odd character count rounds up', request({ messages: [{ role: 'user', content: 'abc' }] }), 3],
    // Every message counts: 6 + 6 characters.
    ['every message counts', request({ messages: [{ role: 'system', content: 'abcd' }, { role: 'user', content: 'abcd' }] }), 6],
    // Missing and null content count as the empty string (2 characters as JSON).
    ['null content counts as an empty string', request({ messages: [{ role: 'assistant', content: null }] }), 1],
    ['missing content counts as an empty string', request({ messages: [{ role: 'assistant' }] }), 1],
    // Content parts count as their JSON.
    ['content parts count as JSON', request({ messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] }), Math.ceil(JSON.stringify([{ type: 'text', text: 'hi' }]).length / 2)],
    // Tools are sent to the model too: their JSON counts.
    ['tools count', request({ tools: [{ type: 'function', function: { name: 'f' } }] }), Math.ceil((6 + JSON.stringify([{ type: 'function', function: { name: 'f' } }]).length) / 2)],
  ])('%s', (_name, input, tokens) => {
    expect(promptTokenEstimate(input)).toBe(tokens);
  });
});

describe('worstCaseUsd', () => {
  // $1 per million input tokens, $1000 per million output tokens: the figure shows which count was used.
  const price = { input: 1, output: 1000 };
  const prompt = 3; // tokens of request()
  const usd = (completion: number): number => (prompt * price.input + completion * price.output) / 1_000_000;

  it.each([
    ['no limit: the configured default', {}, 64],
    ['max_tokens', { max_tokens: 10 }, 10],
    ['max_completion_tokens', { max_completion_tokens: 20 }, 20],
    ['max_completion_tokens wins over max_tokens', { max_completion_tokens: 20, max_tokens: 10 }, 20],
    ['a fractional limit rounds up', { max_tokens: 10.2 }, 11],
    ['a zero limit is ignored', { max_tokens: 0 }, 64],
    ['a negative limit is ignored', { max_tokens: -5 }, 64],
    ['an infinite limit is ignored', { max_tokens: Number.POSITIVE_INFINITY }, 64],
    ['a NaN limit is ignored', { max_tokens: Number.NaN }, 64],
    ['a limit that is not a number is ignored', { max_tokens: '10' }, 64],
    ['an unusable max_completion_tokens falls through to max_tokens', { max_completion_tokens: 0, max_tokens: 10 }, 10],
  ])('%s', (_name, fields, completion) => {
    expect(worstCaseUsd(request(fields), price, 64)).toBe(usd(completion));
  });

  it('prices the prompt at the input price and the completion at the output price', () => {
    // 3 prompt tokens at $2/M and 5 completion tokens at $7/M.
    expect(worstCaseUsd(request({ max_tokens: 5 }), { input: 2, output: 7 }, 64)).toBeCloseTo((3 * 2 + 5 * 7) / 1_000_000, 15);
  });

  it('is never below what the request can actually cost (the estimate over-counts)', () => {
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(40);
    const estimate = promptTokenEstimate(request({ messages: [{ role: 'user', content: text }] }));
    // English text runs about four characters per token; two per token is a safe upper bound.
    expect(estimate).toBeGreaterThanOrEqual(Math.ceil(text.length / 4));
  });
});
