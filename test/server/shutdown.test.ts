// Shutdown: close() lets in-flight streams finish within the grace period and logs them; past the
// grace period it cuts them and still logs their rows; idle keep-alive sockets do not hold it up;
// a busy port is a clear error, not a crash; a failing shutdown step does not skip the later ones.

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { startTestGateway, testConfig } from '../support/gateway.ts';
import { createLogger } from '../../src/config/logger.ts';
import { parseConfig } from '../../src/config/load.ts';
import { startGateway } from '../../src/server/start.ts';
import { MemoryDecisionStore } from '../../src/store/memory.ts';
import { localSharedState } from '../../src/store/shared-state/shared-state.ts';
import { createRandomScorer } from '../../src/scoring/random.ts';
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
  // Events, not timings: the upstream stream is still running when close() is called, and it
  // completes (the client gets [DONE], the upstream sees a finished answer, the row says 200)
  // instead of being cut.
  const upstreamOutcome = upstream.requests.at(-1)!.outcome;
  const body = response.text();
  expect(await Promise.race([upstreamOutcome, Promise.resolve('still streaming')])).toBe('still streaming');
  const closing = gateway.close();
  expect(await body).toContain('[DONE]');
  await closing;
  expect(await upstreamOutcome).toBe('completed');
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
  // The upstream holds the stream until releaseStream(), which runs only after close() settled:
  // close() can settle only by cutting the stream at the end of the grace period.
  await gateway.close();
  expect(gateway.store.stats().droppedRows).toBe(0);
  upstream.releaseStream();
  const reopened = openSqliteStore(gateway.dbPath);
  expect(await reopened.get(id)).toMatchObject({ status: 499, error: 'cut at gateway shutdown' });
  await reopened.close();
  await gateway.dispose();
});

it('does not wait for idle keep-alive sockets', async () => {
  const gateway = await startTestGateway({ raw: testConfig(upstream.url), shutdownGraceMs: 120_000 });
  upstream.setBehaviour({});
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', connection: 'keep-alive' },
    body: JSON.stringify({ model: 'triage/alwaysWeak', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.text();
  // The keep-alive socket stays idle and open; with the grace period set far beyond the test
  // timeout, close() settles only if it does not wait for idle sockets.
  await gateway.dispose();
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

it('still flushes the log and closes the scorers when an earlier shutdown step fails', async () => {
  // A shared-state close that fails (e.g. its database went away) used to stop close() there: the
  // decision log was never flushed and the scorers never closed. Every step runs; the error is kept.
  const dir = mkdtempSync(join(tmpdir(), 'triage-release-'));
  const dbPath = join(dir, 'log.db');
  let scorersClosed = 0;
  const config = parseConfig(testConfig(upstream.url), 'test');
  const gateway = await startGateway({
    config,
    env: { FAKE_STRONG_KEY: 'sk-upstream-secret-123' },
    // Only close() flushes: the timer would not run within the test.
    store: openSqliteStore(dbPath, { flushIntervalMs: 600_000 }),
    sharedState: { ...localSharedState(), close: async () => Promise.reject(new Error('shared state is gone')) },
    scorerFactory: async () => {
      const scorer = createRandomScorer({ seed: 1 });
      return { ...scorer, score: (request) => scorer.score(request), close: async () => void (scorersClosed += 1) };
    },
    log: createLogger('silent'),
    host: '127.0.0.1',
    port: 0,
  });
  upstream.setBehaviour({});
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'triage', messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(response.status).toBe(200);
  const id = response.headers.get('x-triage-decision-id')!;
  await response.text();
  await expect(gateway.close()).rejects.toThrow('shared state is gone');
  expect(scorersClosed).toBeGreaterThan(0);
  const reopened = openSqliteStore(dbPath);
  expect((await reopened.get(id))?.status).toBe(200);
  await reopened.close();
  rmSync(dir, { recursive: true, force: true });
});
