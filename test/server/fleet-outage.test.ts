// A gateway on Postgres whose database goes away mid-run (dropped with FORCE: every connection is
// cut and no new one can open, a real outage): requests are not failed because the shared state
// failed. A key it has seen keeps working, its spend limit now held by the instance's own ledger;
// a key it has never seen cannot be checked and is refused 503 in OpenAI's error shape (never a
// crash, never a hang).

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/config/logger.ts';
import { parseConfig } from '../../src/config/load.ts';
import { startGateway, type RunningGateway } from '../../src/server/start.ts';
import { openPostgresStore, type PostgresDecisionStore } from '../../src/store/postgres/index.ts';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { testConfig } from '../support/gateway.ts';
import { withDatabase } from '../support/postgres-admin.ts';
import { suiteDatabases } from '../support/postgres.ts';

const databases = suiteDatabases('outage');

describe.skipIf(databases.skip !== null)(`a gateway whose Postgres goes away${databases.skip ? ` (skipped: ${databases.skip})` : ''}`, () => {
  let upstream: FakeUpstream;
  let store: PostgresDecisionStore;
  let gateway: RunningGateway;
  let url: string;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    url = await databases.create();
    store = await openPostgresStore(url, { closeTimeoutMs: 200, onError: () => {} });
    gateway = await startGateway({
      config: parseConfig(testConfig(upstream.url), 'test config'),
      env: { FAKE_STRONG_KEY: 'sk-upstream-secret-123' },
      store,
      learning: store,
      log: createLogger('silent'),
      host: '127.0.0.1',
      port: 0,
      shutdownGraceMs: 500,
    });
  });
  afterAll(async () => {
    // The rows logged after the drop can never be written: the store's close() reports that by rejecting.
    await gateway?.close().catch(() => {});
    await upstream?.close();
  });

  const chat = (key: string) =>
    fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'triage/alwaysStrong', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }),
    });

  it('keeps serving a key it has seen, with its limit held locally, and refuses an unseen key 503', async () => {
    const limited = await store.createKey({ name: 'limited', budget: { usd: 1, period: 'day' } });
    const unseen = await store.createKey({ name: 'unseen' });
    await gateway.ctx.keys.refresh(true);
    expect((await chat(limited.secret)).status).toBe(200);

    // Through the server's maintenance database, as the harness itself does.
    const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE ${new URL(url).pathname.slice(1)} WITH (FORCE)`);
    await admin.end();
    await new Promise((resolve) => setTimeout(resolve, 1100)); // past the one-second key cache: the store is asked, and fails

    for (let i = 0; i < 3; i++) {
      const response = await chat(limited.secret);
      expect(response.status).toBe(200);
      await response.text();
    }
    const refused = await chat(unseen.secret);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: { type: 'server_error', code: 'key_store_unavailable' } });
  });
});
