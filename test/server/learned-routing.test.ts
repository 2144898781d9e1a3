// The gateway with the learned scorer (the shipped models/default, real ONNX runtime and GloVe
// weights): decisions carry the learned score and inferred task type, and the log keeps them.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { startTestGateway, testConfig, type TestGateway } from '../support/gateway.ts';

let upstream: FakeUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  const raw = testConfig(upstream.url);
  (raw['routers'] as Record<string, unknown>)['learned'] = {
    strong: 'strong',
    weak: 'weak',
    scorer: 'learned',
    threshold: 0.5,
    // A budget no loaded machine can run out of: this test is about the learned score, not speed
    // (decision time is measured by npm run bench:decide).
    scoreTimeoutMs: 30_000,
  };
  gateway = await startTestGateway({ raw });
});

afterAll(async () => {
  await gateway.dispose();
  await upstream.close();
});

it('routes with the learned scorer and logs its score and task type', async () => {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'triage/learned',
      messages: [{ role: 'user', content: 'Write a Python function that returns the n-th Fibonacci number using memoisation.' }],
    }),
  });
  expect(response.status).toBe(200);
  const header = response.headers.get('x-triage-score');
  expect(header).toMatch(/^[01]\.\d{6}$/);
  const score = Number(header);
  expect(score).toBeGreaterThanOrEqual(0);
  expect(score).toBeLessThanOrEqual(1);
  const logged = await gateway.store.get(response.headers.get('x-triage-decision-id')!);
  expect(logged?.scorer).toMatch(/^learned:default@\d+$/);
  expect(logged?.score).toBeCloseTo(score, 5);
  expect(logged?.taskType).toBe('code');
  expect(logged?.tier).toBe(score >= 0.5 ? 'strong' : 'weak');
  // Scored, not a fallback: the learned scorer answered and the threshold decided.
  expect(logged).toMatchObject({ fallbackUsed: false, reason: score >= 0.5 ? 'score>=threshold' : 'score<threshold' });
  expect(logged?.decisionMs).toBeGreaterThan(0);
});
