// PostgresDecisionStore: the shared conformance suites (decision log, keys, learning tables,
// dashboard) against a real Postgres server (test/support/postgres.ts: each store gets a fresh
// database), plus what only this store has: rows written by one instance read by another, the
// active-set cache picked up across instances, retry while the server is unreachable, and
// close() flushing every queued row. When no server can start, every suite here skips with the
// reason in its name.

import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresPool, openPostgresStore, PostgresDecisionStore, type PostgresStoreOptions } from '../../src/store/postgres/index.ts';
import { suiteDatabases } from '../support/postgres.ts';
import { makeDecision } from './fixtures/decision.ts';
import { describeDashboardStoreConformance } from './dashboard-store.conformance.ts';
import { describeKeyStoreConformance } from './key-store.conformance.ts';
import { describeLearningStoreConformance, makeCalibration } from './learning-store.conformance.ts';
import { describeDecisionStoreConformance } from './store.conformance.ts';
import { describeModelVersionStoreConformance } from './model-version-store.conformance.ts';

const databases = suiteDatabases('store');
const skip = databases.skip;
const fresh = async (options: PostgresStoreOptions = {}): Promise<PostgresDecisionStore> => openPostgresStore(await databases.create(), options);

describeDecisionStoreConformance('postgres', { create: () => fresh(), skip });
describeKeyStoreConformance('postgres', { create: () => fresh(), skip });
describeLearningStoreConformance('postgres', { create: () => fresh(), skip });
describeDashboardStoreConformance('postgres', { create: () => fresh(), skip });
describeModelVersionStoreConformance('postgres', { create: () => fresh(), skip });

describe.skipIf(skip !== null)('Postgres store across instances', () => {
  const opened: PostgresDecisionStore[] = [];
  const open = async (url: string, options: PostgresStoreOptions = {}): Promise<PostgresDecisionStore> => {
    const store = await openPostgresStore(url, { onError: () => {}, ...options });
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close().catch(() => {})));
  });

  it('writes rows in batches off the hot path and another instance reads them after close()', async () => {
    const url = await databases.create();
    const writer = await open(url, { flushIntervalMs: 10_000, batchSize: 50 });
    const reader = await open(url);
    for (let i = 0; i < 120; i++) writer.log(makeDecision({ id: `d${i}`, createdAt: 1_000 + i }));
    expect(writer.stats().pendingRows).toBeGreaterThan(0);
    await writer.close();
    expect(writer.stats()).toEqual({ pendingRows: 0, droppedRows: 0, writeFailures: 0 });
    const rows = await reader.decisions();
    expect(rows).toHaveLength(120);
    expect(rows[0]?.id).toBe('d119');
  });

  it('picks up another instance\'s calibration within one refresh interval, its own at once', async () => {
    const url = await databases.create();
    const a = await open(url, { refreshIntervalMs: 50 });
    const b = await open(url, { refreshIntervalMs: 50 });
    await a.saveCalibration(makeCalibration({ id: 'c1', router: 'default', threshold: 0.4 }));
    expect(a.activeCalibrations().map((c) => c.id)).toEqual(['c1']);
    await expect.poll(() => b.activeCalibrations().map((c) => c.id), { timeout: 5_000, interval: 20 }).toEqual(['c1']);
    await b.rollback('default');
    expect(b.activeCalibrations()).toEqual([]);
    await expect.poll(() => a.activeCalibrations().length, { timeout: 5_000, interval: 20 }).toBe(0);
  });

  it('two instances rolling back at once step back one calibration each', async () => {
    const url = await databases.create();
    const a = await open(url);
    const b = await open(url);
    for (const [i, id] of ['c1', 'c2', 'c3'].entries()) await a.saveCalibration(makeCalibration({ id, router: 'default', createdAt: 100 + i }));
    const [fromA, fromB] = await Promise.all([a.rollback('default', 200), b.rollback('default', 200)]);
    expect([fromA?.id, fromB?.id].sort()).toEqual(['c1', 'c2']);
    expect((await a.calibrations()).filter((c) => c.rolledBackAt !== null).map((c) => c.id).sort()).toEqual(['c2', 'c3']);
  });

  it('keeps rows queued while the server is unreachable and counts them lost only at close', async () => {
    const errors: string[] = [];
    // A loopback port nothing listens on: every connection is really refused (no mock).
    const pool = openPostgresPool('postgres://postgres@127.0.0.1:1/nowhere', { connectionTimeoutMs: 200 });
    const store = new PostgresDecisionStore(pool, { flushIntervalMs: 10, closeTimeoutMs: 200, onError: (error) => errors.push(error.message) });
    store.log(makeDecision({ id: 'lost' }));
    expect(() => store.log(makeDecision({ id: 'lost-too' }))).not.toThrow();
    await expect(store.flush()).rejects.toThrow();
    expect(store.stats().pendingRows).toBe(2);
    expect(store.stats().writeFailures).toBeGreaterThan(0);
    await expect(store.close()).rejects.toThrow();
    expect(store.stats()).toMatchObject({ pendingRows: 0, droppedRows: 2 });
    expect(errors.some((message) => message.includes('closed with 2 rows unwritten'))).toBe(true);
  });

  it('retries a failed batch on a later tick and writes it once the table accepts it again', async () => {
    const url = await databases.create();
    const store = await open(url, { flushIntervalMs: 20 });
    const admin = await open(url);
    // A real server-side failure: the table is locked out by a rename, then put back.
    await admin.pool.query('ALTER TABLE decisions RENAME TO decisions_away');
    store.log(makeDecision({ id: 'retried' }));
    await expect.poll(() => store.stats().writeFailures, { timeout: 5_000, interval: 10 }).toBeGreaterThan(0);
    expect(store.stats().pendingRows).toBe(1);
    await admin.pool.query('ALTER TABLE decisions_away RENAME TO decisions');
    await expect.poll(() => store.stats().pendingRows, { timeout: 5_000, interval: 10 }).toBe(0);
    expect((await admin.get('retried'))?.id).toBe('retried');
    expect(store.stats().droppedRows).toBe(0);
  });
});
