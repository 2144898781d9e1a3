// Shutdown: close() lets in-flight streams finish within the grace period and logs them; past the
// grace period it cuts them and still logs their rows; idle keep-alive sockets do not hold it up;
// a busy port is a clear error, not a crash.

import { createServer } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { startTestGateway, testConfig } from '../support/gateway.ts';
import { createLogger } from '../../src/config/logger.ts';
import { parseConfig } from '../../src/config/load.ts';
import { startGateway } from '../../src/server/start.ts';
import { MemoryDecisionStore } from '../../src/store/memory.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';

let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startFakeUpstream();
});

afterAll(async () => {
  await upstream.close();
});

function streamRequest(url: string) {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'triage/alwaysWeak', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
}

it('lets an in-flight stream finish and logs it before the store closes', async () => {
  const gateway = await startTestGateway({ raw: testConfig(upstream.url) });
  upstream.setBehaviour({ text: 'a b c d', chunks: 4, chunkDelayMs: 150 });
  const response = await streamRequest(gateway.url);
  const id = response.headers.get('x-triage-decision-id')!;
  const body = response.text();
  const started = performance.now();
  const closing = gateway.close();
  expect(await body).toContain('[DONE]');
  await closing;
  expect(performance.now() - started).toBeGreaterThan(300);
  // The store is closed now: read the file back with a fresh store.
  const reopened = openSqliteStore(gateway.dbPath);
  expect((await reopened.get(id))?.status).toBe(200);
  await reopened.close();
  await gateway.dispose();
});

it('cuts a stream that outlives the grace period and still logs its row', async () => {
  const gateway = await startTestGateway({ raw: testConfig(upstream.url), shutdownGraceMs: 300 });
  upstream.setBehaviour({ text: 'a b c d', chunks: 4, holdStream: true });
  const response = await streamRequest(gateway.url);
  const id = response.headers.get('x-triage-decision-id')!;
  await response.body!.getReader().read();
  const started = performance.now();
  await gateway.close();
  expect(performance.now() - started).toBeLessThan(3000);
  expect(gateway.store.stats().droppedRows).toBe(0);
  upstream.releaseStream();
  const reopened = openSqliteStore(gateway.dbPath);
  expect(await reopened.get(id)).toMatchObject({ status: 499, error: 'cut at gateway shutdown' });
  await reopened.close();
  await gateway.dispose();
});

it('does not wait for idle keep-alive sockets', async () => {
  const gateway = await startTestGateway({ raw: testConfig(upstream.url) });
  upstream.setBehaviour({});
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', connection: 'keep-alive' },
    body: JSON.stringify({ model: 'triage/alwaysWeak', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.text();
  const started = performance.now();
  await gateway.dispose();
  expect(performance.now() - started).toBeLessThan(1000);
});

it('rejects with a clear error when the port is taken', async () => {
  const blocker = createServer();
  const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)));
  try {
    const config = parseConfig(testConfig(upstream.url), 'test');
    await expect(
      startGateway({ config, env: {}, store: new MemoryDecisionStore(), log: createLogger('silent'), host: '127.0.0.1', port }),
    ).rejects.toThrow(/cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
  } finally {
    blocker.close();
  }
});
