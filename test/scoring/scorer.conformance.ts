// The shared Scorer conformance suite: every Scorer implementation runs it (random, learned), the way
// Hono runs one suite over all its routers. Scores stay in [0, 1] on any well-formed request, are
// repeatable, do not depend on concurrency, and close() is safe to call twice.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeSuite, type ConformanceOptions } from '../support/conformance.ts';
import type { ChatRequest } from '../../src/protocol/chat.ts';
import type { Scorer } from '../../src/scoring/scorer.ts';

const user = (content: ChatRequest['messages'][number]['content']): ChatRequest => ({ model: 'triage', messages: [{ role: 'user', content }] });

const REQUESTS: Record<string, ChatRequest> = {
  short: user('hi'),
  math: user('A train leaves at 3pm at 60 km/h; another at 4pm at 80 km/h. When does the second catch up? Show your work.'),
  code: user('Write a Python function that merges two sorted linked lists in O(n) and explain its complexity.\n```python\nclass Node: ...\n```'),
  empty: user(''),
  parts: user([
    { type: 'text', text: 'Describe this image in one line.' },
    { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
  ]),
  unicode: user('Übersetze bitte: 東京の天気はどうですか？ 🌧️'),
  long: user('Summarise the following log.\n'.concat('2026-11-28 INFO request served in 12 ms\n'.repeat(4000))),
  conversation: {
    model: 'triage',
    messages: [
      { role: 'system', content: 'You are a helpful assistant. '.repeat(200) },
      { role: 'user', content: 'Plan a database migration from MySQL to Postgres.' },
      { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'lookup', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 't1', content: '{"tables": 42}' },
      { role: 'user', content: 'Now estimate the downtime.' },
    ],
    tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
  },
};

export function describeScorerConformance(name: string, options: ConformanceOptions<Scorer>): void {
  describeSuite('Scorer', name, options.skip, () => {
    let scorer: Scorer;
    beforeAll(async () => {
      scorer = await options.create();
    });
    afterAll(async () => {
      await scorer.close();
    });

    it('has a name', () => {
      expect(scorer.name).toMatch(/\S/);
    });

    it('scores every well-formed request in [0, 1]', async () => {
      for (const [label, request] of Object.entries(REQUESTS)) {
        const { score } = await scorer.score(request);
        expect(Number.isFinite(score), label).toBe(true);
        expect(score, label).toBeGreaterThanOrEqual(0);
        expect(score, label).toBeLessThanOrEqual(1);
      }
    });

    it('gives the same score for the same request', async () => {
      for (const request of Object.values(REQUESTS)) {
        const first = await scorer.score(request);
        const second = await scorer.score(structuredClone(request));
        expect(second.score).toBeCloseTo(first.score, 6);
      }
    });

    it('gives the same scores concurrently as one at a time', async () => {
      const requests = Object.values(REQUESTS);
      const sequential: number[] = [];
      for (const request of requests) sequential.push((await scorer.score(request)).score);
      const concurrent = await Promise.all(requests.map((request) => scorer.score(request)));
      concurrent.forEach((result, i) => expect(result.score).toBeCloseTo(sequential[i]!, 6));
    });

    it('does not tell different prompts apart by accident only', async () => {
      const scores = new Set<string>();
      for (const request of Object.values(REQUESTS)) scores.add((await scorer.score(request)).score.toFixed(6));
      expect(scores.size).toBeGreaterThan(3);
    });
  });

  describe(`Scorer conformance: ${name} lifecycle`, () => {
    it('closes twice without error', async () => {
      const scorer = await options.create();
      await scorer.score(REQUESTS['short']!);
      await scorer.close();
      await expect(scorer.close()).resolves.toBeUndefined();
    });
  });
}
