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
  (raw['routers'] as Record<string, unknown>)['learned'] = { strong: 'strong', weak: 'weak', scorer: 'learned', threshold: 0.5 };
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
  const score = Number(response.headers.get('x-triage-score'));
  expect(score).toBeGreaterThanOrEqual(0);
  expect(score).toBeLessThanOrEqual(1);
  const logged = await gateway.store.get(response.headers.get('x-triage-decision-id')!);
  expect(logged?.scorer).toMatch(/^learned:default@\d+$/);
  expect(logged?.score).toBeCloseTo(score, 5);
  expect(logged?.taskType).toBe('code');
  expect(logged?.tier).toBe(score >= 0.5 ? 'strong' : 'weak');
  expect(logged?.decisionMs).toBeLessThan(250);
});
