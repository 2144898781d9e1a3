// SqliteDecisionStore: the conformance suite on real files, plus what only SQLite has: migrations,
// WAL, asynchronous batched writes seen from a second connection, retry of failed writes, bounds.

import { join } from 'node:path';
import { setImmediate as nextTick } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations, checkMigrationOrder } from '../../src/store/sqlite/migrate.ts';
import { decisionColumns, encodeDecision } from '../../src/store/sqlite/rows.ts';
import { migrations } from '../../src/store/sqlite/migrations.ts';
import {
  openSqliteStore, SchemaTooNewError, type SqliteDecisionStore, type SqliteStoreOptions,
} from '../../src/store/sqlite/index.ts';
import { makeDecision } from './fixtures/decision.ts';
import { useTempDir } from './fixtures/temp-dir.ts';
import { describeKeyStoreConformance } from './key-store.conformance.ts';
import { describeDecisionStoreConformance } from './store.conformance.ts';
import { describeLearningStoreConformance } from './learning-store.conformance.ts';
import { describeModelVersionStoreConformance } from './model-version-store.conformance.ts';

const tempDir = useTempDir();

describeDecisionStoreConformance('sqlite file', { create: () => openSqliteStore(join(tempDir(), 'log.db')) });
describeDecisionStoreConformance('sqlite :memory:', { create: () => openSqliteStore(':memory:') });
describeKeyStoreConformance('sqlite file', { create: () => openSqliteStore(join(tempDir(), 'keys.db')) });
describeLearningStoreConformance('sqlite file', { create: () => openSqliteStore(join(tempDir(), 'learn.db')) });
describeModelVersionStoreConformance('sqlite file', { create: () => openSqliteStore(join(tempDir(), 'versions.db')) });

const handles: { close(): unknown }[] = [];
afterEach(async () => {
  for (const handle of handles.splice(0).reverse()) await handle.close();
});

function openStore(path: string, options: SqliteStoreOptions = {}): SqliteDecisionStore {
  const store = openSqliteStore(path, options);
  handles.push(store);
  return store;
}

/** A second, independent connection to the same file. */
function rawConnection(path: string): Database.Database {
  const db = new Database(path);
  handles.push(db);
  return db;
}

const countRows = (db: Database.Database): number =>
  Number(db.prepare('SELECT count(*) FROM decisions').pluck().get());

async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('SqliteDecisionStore schema', () => {
  it('applies migrations once and keeps data across re-opens', async () => {
    const path = join(tempDir(), 'nested', 'dirs', 'log.db');
    const first = openStore(path);
    first.log(makeDecision({ id: 'kept' }));
    await first.close();
    const raw = rawConnection(path);
    const applied = () => raw.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all();
    const before = applied();
    expect(before.map((row) => (row as { version: number }).version)).toStrictEqual(migrations.map((_, index) => index + 1));
    const second = openStore(path);
    expect(applied()).toStrictEqual(before);
    expect((await second.get('kept'))?.id).toBe('kept');
  });

  it('upgrades a version-2 log: duplicate outcomes per decision and source collapse to the newest', async () => {
    const path = join(tempDir(), 'old.db');
    const old = new Database(path);
    applyMigrations(old, migrations.slice(0, 2));
    const insert = old.prepare('INSERT INTO outcomes (decision_id, created_at, source, rating, label) VALUES (?, ?, ?, ?, ?)');
    for (let i = 0; i < 5; i++) insert.run('d1', i, 'feedback', i / 4, null);
    insert.run('d1', 9, 'user', 1, null);
    old.close();
    const store = openStore(path);
    expect(await store.outcomes('d1')).toStrictEqual([
      { decisionId: 'd1', createdAt: 4, source: 'feedback', rating: 1, label: null },
      { decisionId: 'd1', createdAt: 9, source: 'user', rating: 1, label: null },
    ]);
  });

  it('refuses a database written by a newer schema', async () => {
    const path = join(tempDir(), 'log.db');
    await openStore(path).close();
    rawConnection(path).prepare('INSERT INTO schema_migrations VALUES (99, ?, 0)').run('future');
    expect(() => openSqliteStore(path)).toThrow(SchemaTooNewError);
    expect(() => openSqliteStore(path)).toThrow(new RegExp(`version 99 is newer than this build knows \\(${migrations.length}\\)`));
  });

  it('upgrades a version-2 log to the newest: old rows read back without key id, calibration, features or propensity', async () => {
    const path = join(tempDir(), 'v2.db');
    const raw = rawConnection(path);
    applyMigrations(raw, migrations.slice(0, 2));
    const old = makeDecision({ id: 'old' });
    const { calibrationId: _c, features: _f, propensity: _p, explored: _e, ...rest } = old;
    const v2Row = { ...rest, keyId: null };
    const columns = decisionColumns.slice(0, 28);
    raw.prepare(`INSERT INTO decisions (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(encodeDecision(v2Row).slice(0, 28));
    const store = openStore(path);
    expect(await store.get('old')).toStrictEqual(v2Row);
    store.log(makeDecision({ id: 'new' }));
    expect(await store.get('new')).toStrictEqual(makeDecision({ id: 'new' }));
  });

  it('rejects a migration list that is out of order', () => {
    expect(() => checkMigrationOrder([{ version: 2, name: 'x', sql: '' }])).toThrow(/expected 1/);
  });

  it('uses WAL, has the indexes and the outcomes table', async () => {
    const path = join(tempDir(), 'log.db');
    openStore(path);
    const raw = rawConnection(path);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    const names = raw.prepare("SELECT name FROM sqlite_master WHERE type IN ('index','table')").pluck().all();
    expect(names).toEqual(expect.arrayContaining([
      'decisions', 'outcomes', 'decisions_created_at', 'decisions_router', 'decisions_model_alias',
    ]));
  });
});

describe('SqliteDecisionStore writes', () => {
  it('does not write in log(); the flush timer does', async () => {
    const path = join(tempDir(), 'log.db');
    const store = openStore(path, { flushIntervalMs: 50 });
    const raw = rawConnection(path);
    store.log(makeDecision({ id: 'a' }));
    expect(countRows(raw)).toBe(0);
    expect(store.stats().pendingRows).toBe(1);
    await waitFor(() => countRows(raw) === 1);
    expect(store.stats().pendingRows).toBe(0);
  });

  it('writes a full batch on the next tick, not synchronously', async () => {
    const path = join(tempDir(), 'log.db');
    const store = openStore(path, { flushIntervalMs: 600_000, batchSize: 10 });
    const raw = rawConnection(path);
    for (let i = 0; i < 9; i += 1) store.log(makeDecision({ id: `r${i}` }));
    await nextTick();
    expect(countRows(raw)).toBe(0);
    store.log(makeDecision({ id: 'r9' }));
    expect(countRows(raw)).toBe(0);
    await nextTick();
    expect(countRows(raw)).toBe(10);
  });

  it('drains a backlog larger than one batch without an explicit flush', async () => {
    const path = join(tempDir(), 'log.db');
    const store = openStore(path, { flushIntervalMs: 600_000, batchSize: 7 });
    const raw = rawConnection(path);
    for (let i = 0; i < 100; i += 1) store.log(makeDecision({ id: `r${i}` }));
    await waitFor(() => countRows(raw) === 100);
    expect(store.stats().pendingRows).toBe(0);
  });

  it('keeps a failed batch, reports it and writes it on a later flush', async () => {
    const path = join(tempDir(), 'log.db');
    const errors: string[] = [];
    const store = openStore(path, { flushIntervalMs: 30, onError: (error) => errors.push(error.message) });
    const raw = rawConnection(path);
    raw.exec(`CREATE TABLE fail_switch (on_off INTEGER);
      INSERT INTO fail_switch VALUES (1);
      CREATE TRIGGER fail_third BEFORE INSERT ON decisions
      WHEN NEW.id = 'r3' AND EXISTS (SELECT 1 FROM fail_switch)
      BEGIN SELECT RAISE(ABORT, 'simulated disk full'); END;`);
    for (let i = 0; i < 6; i += 1) store.log(makeDecision({ id: `r${i}` }));
    await expect(store.flush()).rejects.toThrow(/simulated disk full/);
    expect(countRows(raw)).toBe(0);
    expect(store.stats()).toMatchObject({ pendingRows: 6, writeFailures: 1, droppedRows: 0 });
    expect(errors[0]).toMatch(/simulated disk full/);
    raw.exec('DELETE FROM fail_switch');
    await waitFor(() => countRows(raw) === 6);
    expect(store.stats()).toMatchObject({ pendingRows: 0, droppedRows: 0 });
    expect((await store.decisions()).map((row) => row.id)).toHaveLength(6);
  });

  it('while failing, retries on the timer only, not on every full batch', async () => {
    const path = join(tempDir(), 'log.db');
    const store = openStore(path, { flushIntervalMs: 600_000, batchSize: 2, onError: () => {} });
    const raw = rawConnection(path);
    raw.exec(`CREATE TRIGGER always_fail BEFORE INSERT ON decisions
      BEGIN SELECT RAISE(ABORT, 'simulated io error'); END;`);
    store.log(makeDecision({ id: 'r0' }));
    store.log(makeDecision({ id: 'r1' }));
    await nextTick();
    expect(store.stats().writeFailures).toBe(1);
    for (let i = 2; i < 20; i += 1) {
      store.log(makeDecision({ id: `r${i}` }));
      await nextTick();
    }
    expect(store.stats()).toMatchObject({ writeFailures: 1, pendingRows: 20 });
    raw.exec('DROP TRIGGER always_fail');
    await store.flush();
    expect(countRows(raw)).toBe(20);
  });

  it('retries after another connection held the write lock (busy_timeout)', async () => {
    const path = join(tempDir(), 'log.db');
    const store = openStore(path, { flushIntervalMs: 600_000, busyTimeoutMs: 20, onError: () => {} });
    const raw = rawConnection(path);
    raw.exec('BEGIN IMMEDIATE');
    store.log(makeDecision({ id: 'locked' }));
    await expect(store.flush()).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(store.stats().pendingRows).toBe(1);
    raw.exec('COMMIT');
    await store.flush();
    expect(countRows(raw)).toBe(1);
  });

  it('never waits on the lock by default: close() keeps retrying without blocking, and writes once it is free', async () => {
    const path = join(tempDir(), 'log.db');
    const store = openSqliteStore(path, { flushIntervalMs: 600_000, onError: () => {} });
    const raw = rawConnection(path);
    raw.exec('BEGIN IMMEDIATE');
    store.log(makeDecision({ id: 'waited' }));
    await expect(store.flush()).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    // A timer can only release the lock if the final flush does not block the event loop while waiting.
    setTimeout(() => raw.exec('COMMIT'), 100);
    await store.close();
    expect(store.stats()).toMatchObject({ pendingRows: 0, droppedRows: 0 });
    expect(countRows(raw)).toBe(1);
  });

  it('answers reads from disk while writes fail', async () => {
    const path = join(tempDir(), 'log.db');
    const store = openStore(path, { flushIntervalMs: 600_000, busyTimeoutMs: 0, onError: () => {} });
    store.log(makeDecision({ id: 'on-disk' }));
    await store.flush();
    const raw = rawConnection(path);
    raw.exec('BEGIN IMMEDIATE');
    store.log(makeDecision({ id: 'queued' }));
    expect((await store.decisions()).map((row) => row.id)).toStrictEqual(['on-disk']);
    raw.exec('ROLLBACK');
    expect(await store.decisions()).toHaveLength(2);
  });

  it('bounds the queue and counts dropped rows', async () => {
    const errors: string[] = [];
    const store = openStore(':memory:', {
      flushIntervalMs: 600_000, batchSize: 100, maxQueue: 3, onError: (error) => errors.push(error.message),
    });
    for (let i = 0; i < 5; i += 1) store.log(makeDecision({ id: `r${i}` }));
    expect(store.stats()).toMatchObject({ pendingRows: 3, droppedRows: 2 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/queue full/);
    expect((await store.decisions()).map((row) => row.id)).toStrictEqual(['r2', 'r1', 'r0']);
  });

  it('counts rows it could not write at close as dropped and rejects', async () => {
    const path = join(tempDir(), 'log.db');
    const store = openSqliteStore(path, { busyTimeoutMs: 0, closeTimeoutMs: 50, onError: () => {} });
    const raw = rawConnection(path);
    raw.exec('BEGIN IMMEDIATE');
    store.log(makeDecision({ id: 'lost' }));
    await expect(store.close()).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(store.stats()).toMatchObject({ pendingRows: 0, droppedRows: 1 });
    await expect(store.close()).resolves.toBeUndefined();
    raw.exec('ROLLBACK');
  });

  it('never throws from log(), even for a record that cannot be encoded', () => {
    const errors: string[] = [];
    const store = openStore(':memory:', { onError: (error) => errors.push(error.message) });
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    const bad = { ...makeDecision(), tags: circular } as unknown as Parameters<typeof store.log>[0];
    expect(() => store.log(bad)).not.toThrow();
    expect(store.stats().droppedRows).toBe(1);
    expect(errors[0]).toMatch(/not logged/);
  });
});
