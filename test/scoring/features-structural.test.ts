import { describe, expect, it } from 'vitest';
import type { ChatMessage, ChatRequest } from '../../src/protocol/chat.ts';
import { STRUCTURAL_FEATURE_NAMES, structuralFeatures } from '../../src/scoring/features/structural.ts';
import { shapeInput } from '../../src/scoring/shaping.ts';

function features(messages: ChatMessage[] | string, extra: Partial<ChatRequest> = {}): Record<string, number> {
  const list: ChatMessage[] = typeof messages === 'string' ? [{ role: 'user', content: messages }] : messages;
  const values = structuralFeatures(shapeInput({ model: 'triage', messages: list, ...extra }));
  expect(values.length).toBe(STRUCTURAL_FEATURE_NAMES.length);
  return Object.fromEntries(STRUCTURAL_FEATURE_NAMES.map((name, i) => [name, values[i] ?? NaN]));
}

const CODE_PROMPT = `My function is slow, why?
\`\`\`python
def merge(a, b):
    out = []
    for x in a:
        out.append(x)
    return sorted(out + b)
\`\`\``;

const MATH_PROMPT =
  'Solve for x: 3x^2 + 2x - 5 = 0. Then compute the probability that a random integer from 1 to 100 is prime. Show $\\frac{a}{b}$ steps.';

const MULTI_PART = `Please do the following:
1. Explain why the sky is blue.
2. Compare it with sunsets.
3. Finally, list three experiments.
Answer in at most 200 words and use bullet points.`;

const MMLU_STYLE = `Which of the following is a prime number?
A. 21
B. 27
C. 29
D. 33`;

describe('structural features', () => {
  it('have unique names and every value within [0, 1]', () => {
    expect(new Set(STRUCTURAL_FEATURE_NAMES).size).toBe(STRUCTURAL_FEATURE_NAMES.length);
    for (const prompt of [CODE_PROMPT, MATH_PROMPT, MULTI_PART, MMLU_STYLE, 'hi', '', 'x'.repeat(200_000)]) {
      for (const value of Object.values(features(prompt))) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
    }
  });

  it('see code in a code prompt and not in small talk', () => {
    const code = features(CODE_PROMPT);
    const chat = features('Hello! How was your weekend?');
    expect(code['code_fence']).toBe(1);
    expect(code['code_line_share']).toBeGreaterThan(0.5);
    expect(code['code_keywords']).toBeGreaterThan(0.3);
    expect(chat['code_fence']).toBe(0);
    expect(chat['code_line_share']).toBe(0);
    expect(chat['code_keywords']).toBe(0);
  });

  it('see math in a math prompt', () => {
    const math = features(MATH_PROMPT);
    const prose = features('Tell me about the history of the printing press in Europe.');
    expect(math['latex']).toBe(1);
    expect(math['math_words']).toBeGreaterThanOrEqual(0.75);
    expect(math['math_char_share']).toBeGreaterThan(prose['math_char_share'] ?? 1);
    expect(prose['latex']).toBe(0);
    expect(prose['math_words']).toBe(0);
    expect(features('It costs $5 and $10 in total.')['latex']).toBe(0);
  });

  it('see lists, sequencing, reasoning and constraints in a multi-part request', () => {
    const multi = features(MULTI_PART);
    expect(multi['list_lines']).toBe(0.5);
    expect(multi['sequence_cues']).toBeGreaterThan(0);
    expect(multi['reasoning_cues']).toBeGreaterThanOrEqual(2 / 3);
    expect(multi['constraint_cues']).toBeGreaterThan(0);
    expect(features(MMLU_STYLE)['choice_lines']).toBe(1);
    expect(features(MMLU_STYLE)['question_marks']).toBeCloseTo(1 / 3, 5);
  });

  it('grow with length on a log scale', () => {
    const short = features('Short question?');
    const long = features('word '.repeat(5000));
    expect(short['last_user_log_chars']).toBeLessThan(long['last_user_log_chars'] ?? 0);
    expect(long['last_user_log_chars']).toBeCloseTo(Math.log1p(25_000) / Math.log1p(100_000), 5);
  });

  it('read conversation facts: turns, system prompt, tools, json, images', () => {
    const f = features(
      [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'First question' },
        { role: 'assistant', content: 'First answer' },
        { role: 'user', content: [{ type: 'text', text: 'And this?' }, { type: 'image_url', image_url: { url: 'x' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'a' }] },
        { role: 'tool', tool_call_id: 'a', content: '42' },
      ],
      { tools: [{ type: 'function' }], response_format: { type: 'json_schema' } },
    );
    expect(f).toMatchObject({
      follow_up: 1,
      context_embedded: 1,
      system_prompt: 1,
      tools_defined: 1,
      tool_activity: 1,
      json_output: 1,
      images: 1,
    });
    expect(f['earlier_user_turns_log']).toBeCloseTo(Math.log1p(1) / Math.log1p(50), 5);
    const single = features('One question');
    expect(single).toMatchObject({ follow_up: 0, context_embedded: 0, system_prompt: 0, tools_defined: 0, json_output: 0, images: 0 });
  });
});
