// Retention (store.retentionDays): the gateway prunes decisions older than the window, with their
// outcomes, on a timer (a real SQLite file behind a real gateway), keeps everything with the
// default 0, and two Postgres instances pruning at once delete every old row exactly once.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { createLogger } from '../../src/config/logger.ts';
import { startRetention } from '../../src/server/retention-wiring.ts';
import { openPostgresStore } from '../../src/store/postgres/index.ts';
import { pruneOnce } from '../../src/store/retention.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { startFakeUpstream } from '../support/fake-upstream.ts';
import { startTestGateway, testConfig } from '../support/gateway.ts';
import { suiteDatabases } from '../support/postgres.ts';
import { suiteTempDir } from '../support/temp-dir.ts';
import { makeDecision } from './fixtures/decision.ts';

const DAY = 86_400_000;
const temp = suiteTempDir('triage-retention-');
const databases = suiteDatabases('retention');

describe('retention', () => {
  it('keeps every row by default: no pruner starts', () => {
    const config = parseConfig(testConfig('http://127.0.0.1:1/v1'), 'test');
    expect(config.store.retentionDays).toBe(0);
    const store = openSqliteStore(':memory:');
    expect(startRetention(store, config.store, createLogger('silent'))).toBeUndefined();
    void store.close();
  });

  it('prunes old decisions and their outcomes behind a running gateway, off the request path', async () => {
    const now = Date.now();
    const dbPath = join(temp.path, 'gateway.db');
    const seed = openSqliteStore(dbPath);
    for (let i = 0; i < 1_050; i++) seed.log(makeDecision({ id: `old${i}`, createdAt: now - 45 * DAY + i }));
    seed.log(makeDecision({ id: 'recent', createdAt: now - DAY }));
    await seed.flush();
    await seed.recordOutcome({ decisionId: 'old3', createdAt: now - 44 * DAY, source: 'feedback', rating: 1, label: null });
    await seed.close();

    const upstream = await startFakeUpstream();
    const gateway = await startTestGateway({
      raw: testConfig(upstream.url, upstream.url, { store: { retentionDays: 30, pruneIntervalMs: 50, pruneBatchSize: 200 } }),
      dbPath,
    });
    try {
      await expect.poll(async () => (await gateway.store.decisions()).length, { timeout: 10_000, interval: 50 }).toBe(1);
      expect((await gateway.store.decisions())[0]?.id).toBe('recent');
      expect(await gateway.store.outcomes('old3')).toEqual([]);
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'triage', messages: [{ role: 'user', content: 'still serving' }] }),
      });
      expect(response.status).toBe(200);
    } finally {
      await gateway.dispose();
      await upstream.close();
    }
  });

  it.skipIf(databases.skip !== null)('two Postgres instances pruning at once delete every old row once', async () => {
    const url = await databases.create();
    const now = Date.now();
    const a = await openPostgresStore(url);
    const b = await openPostgresStore(url);
    try {
      for (let i = 0; i < 3_000; i++) a.log(makeDecision({ id: `old${i}`, createdAt: now - 40 * DAY + i }));
      a.log(makeDecision({ id: 'recent', createdAt: now }));
      await a.flush();
      const settings = { retentionDays: 30, pruneIntervalMs: 1, pruneBatchSize: 250 };
      const [fromA, fromB] = await Promise.all([pruneOnce(a, settings, now), pruneOnce(b, settings, now)]);
      expect(fromA.decisions + fromB.decisions).toBe(3_000);
      expect((await b.decisions()).map((d) => d.id)).toEqual(['recent']);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
