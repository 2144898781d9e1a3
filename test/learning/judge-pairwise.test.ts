// The pairwise LLM judge: the conformance suite against a fake upstream on loopback called through
// the real openai-compatible adapter, plus its verdict parser and the label combination rule.

import { describe, expect, it } from 'vitest';
import { combineVerdicts } from '../../src/learning/judge/combine.ts';
import { createJudge } from '../../src/learning/judge/registry.ts';
import { parseVerdict } from '../../src/learning/judge/pairwise-llm/parse-verdict.ts';
import { SECTION } from '../../src/learning/judge/pairwise-llm/prompt.ts';
import type { ModelCall } from '../../src/learning/model-call.ts';
import { createProvider } from '../../src/providers/registry.ts';
import { VerdictSchema, type ShadowLabelKind, type Verdict } from '../../src/store/shadow-labels.ts';
import { isJudgeRequest } from '../support/fake-judge.ts';
import { startFakeUpstream, type FakeChatRequest } from '../support/fake-upstream.ts';
import { describeJudgeConformance } from './judge.conformance.ts';

function between(text: string, start: string, end: string): string {
  const from = text.indexOf(start);
  return from === -1 ? '' : text.slice(from + start.length, text.indexOf(end, from));
}

/** The fake judge of the conformance world: [better] beats [worse], equal answers tie, [confuse] confuses. */
function conformanceJudge(request: FakeChatRequest): string | undefined {
  if (!isJudgeRequest(request)) return undefined;
  const prompt = String(request.messages[1]?.content ?? '');
  const a = between(prompt, SECTION.answerStart('A'), SECTION.answerEnd('A'));
  const b = between(prompt, SECTION.answerStart('B'), SECTION.answerEnd('B'));
  if (a.includes('[confuse]') || b.includes('[confuse]')) return 'Hard to say; both have merit.';
  if (a === b) return 'Equal.\n[[C]]';
  return a.includes('[better]') ? 'A wins.\n[[A]]' : 'B wins.\n[[B]]';
}

/** A ModelCall over the real adapter, pricing $2 / $8 per million tokens. */
function adapterCall(baseUrl: string): ModelCall {
  const adapter = createProvider('openai-compatible');
  return {
    async complete(alias, request, signal) {
      const result = await adapter.chat({
        target: { provider: 'fake', baseUrl, modelId: `${alias}-id`, timeoutMs: 5000 },
        request: { model: alias, messages: request.messages, max_tokens: request.maxTokens, stream: false },
        signal,
      });
      if (result.kind !== 'json') return { ok: false, error: result.kind === 'failure' ? result.message : `status ${result.status}` };
      const body = result.body as { choices: Array<{ message: { content: string } }> };
      const usage = result.usage;
      const costUsd = usage ? (usage.promptTokens * 2 + usage.completionTokens * 8) / 1_000_000 : 0;
      return { ok: true, text: body.choices[0]?.message.content ?? '', modelId: `${alias}-id`, promptTokens: usage?.promptTokens ?? null, completionTokens: usage?.completionTokens ?? null, costUsd };
    },
  };
}

describeJudgeConformance('pairwise-llm', {
  async create() {
    const upstream = await startFakeUpstream({ answerFor: conformanceJudge });
    const options = { alias: 'judge', maxTokens: 512, priceOf: (p: number, c: number) => (p * 2 + c * 8) / 1_000_000 };
    return {
      judge: createJudge('pairwise-llm', { ...options, call: adapterCall(upstream.url) }),
      // Port 9 on loopback: nothing listens (connection refused).
      failing: createJudge('pairwise-llm', { ...options, call: adapterCall('http://127.0.0.1:9/v1') }),
      close: () => upstream.close(),
    };
  },
});

describe('parseVerdict', () => {
  it('reads one kind of marker, repeated or not, anywhere in the reply', () => {
    expect(parseVerdict('Reasoning...\n[[A]]')).toBe('A');
    expect(parseVerdict('[[B]] because... so [[B]]')).toBe('B');
    expect(parseVerdict('[[C]]')).toBe('C');
  });

  it('never guesses: no marker, two kinds, or look-alikes are unparsable', () => {
    for (const reply of ['', 'A is better', '[A]', '[[a]]', '[[D]]', 'first [[A]] then [[B]]', '[[ A ]]']) {
      expect(parseVerdict(reply), reply).toBe('unparsable');
    }
  });
});

describe('combineVerdicts', () => {
  const expected: Record<`${Verdict}/${Verdict}`, ShadowLabelKind> = {
    'A/B': 'strong_needed', 'A/C': 'tie', 'A/A': 'inconsistent',
    'B/A': 'weak_ok', 'B/C': 'weak_ok', 'B/B': 'inconsistent',
    'C/A': 'weak_ok', 'C/B': 'tie', 'C/C': 'tie',
    'A/unparsable': 'unusable', 'B/unparsable': 'unusable', 'C/unparsable': 'unusable',
    'unparsable/A': 'unusable', 'unparsable/B': 'unusable', 'unparsable/C': 'unusable', 'unparsable/unparsable': 'unusable',
  };

  it('maps every pair of verdicts (strong shown first, weak shown first) to its documented label', () => {
    for (const first of VerdictSchema.options) {
      for (const second of VerdictSchema.options) {
        expect(combineVerdicts(first, second), `${first}/${second}`).toBe(expected[`${first}/${second}`]);
      }
    }
  });
});
