// Streaming is passed through as it arrives: the client reads the first chunk while the upstream is
// still holding its stream open.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { startTestGateway, testConfig, type TestGateway } from '../support/gateway.ts';

let upstream: FakeUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  gateway = await startTestGateway({ raw: testConfig(upstream.url) });
});

afterAll(async () => {
  await gateway.dispose();
  await upstream.close();
});

it('delivers the first chunk before the upstream has finished', async () => {
  upstream.setBehaviour({ holdStream: true, text: 'alpha beta gamma', chunks: 3 });
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'triage/alwaysWeak', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let received = '';
  while (!received.includes('\n\n')) {
    const { value, done } = await reader.read();
    if (done) break;
    received += decoder.decode(value, { stream: true });
  }
  // The upstream is still holding the rest of its stream: its request has not completed.
  const sent = upstream.requests.at(-1)!;
  const state = await Promise.race([sent.outcome, new Promise((resolve) => setTimeout(() => resolve('still-open'), 100))]);
  expect(state).toBe('still-open');
  expect(received).toMatch(/^data: \{/);
  expect(received).not.toContain('[DONE]');

  upstream.releaseStream();
  let rest = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    rest += decoder.decode(value, { stream: true });
  }
  expect(rest.trimEnd().endsWith('data: [DONE]')).toBe(true);
  expect(await sent.outcome).toBe('completed');
  const logged = await gateway.store.get(response.headers.get('x-triage-decision-id')!);
  expect(logged).toMatchObject({ status: 200, stream: true, completionTokens: 7 });
});

it('aborts the upstream and logs 499 when the client goes away mid-stream', async () => {
  upstream.setBehaviour({ holdStream: true, text: 'alpha beta gamma', chunks: 3 });
  const controller = new AbortController();
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'triage/alwaysWeak', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  await reader.read();
  controller.abort();
  const sent = upstream.requests.at(-1)!;
  expect(await sent.outcome).toBe('client-closed');
  upstream.releaseStream();
  const id = response.headers.get('x-triage-decision-id')!;
  await expect.poll(async () => (await gateway.store.get(id))?.status, { timeout: 3000 }).toBe(499);
});

async function streamThrough(): Promise<{ text: string; id: string }> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'triage/alwaysWeak', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(response.status).toBe(200);
  return { text: await response.text(), id: response.headers.get('x-triage-decision-id')! };
}

it('reports a stream the upstream ends early (no finish, no [DONE]) as truncated, not as success', async () => {
  upstream.setBehaviour({ text: 'alpha beta gamma', chunks: 3, endAfterEvents: 2 });
  const { text, id } = await streamThrough();
  expect(text).toContain('"upstream_truncated"');
  expect(text).not.toContain('[DONE]');
  const logged = await gateway.store.get(id);
  expect(logged).toMatchObject({ status: 502, error: 'upstream closed the stream before the answer finished' });
});

it('passes an error event inside a stream to the client and logs it as a failure', async () => {
  upstream.setBehaviour({ text: 'alpha beta gamma', chunks: 3, errorEventAfterEvents: 2 });
  const { text, id } = await streamThrough();
  expect(text).toContain('fake upstream overloaded mid-stream');
  const logged = await gateway.store.get(id);
  expect(logged?.status).toBe(502);
  expect(logged?.error).toContain('fake upstream overloaded mid-stream');
});

it('accepts a complete stream that closes without [DONE] after its finish chunk', async () => {
  // 1 role chunk + 3 content chunks + the finish chunk = 5 events, then a clean close.
  upstream.setBehaviour({ text: 'alpha beta gamma', chunks: 3, endAfterEvents: 5 });
  const { text, id } = await streamThrough();
  expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  expect((await gateway.store.get(id))?.status).toBe(200);
});
