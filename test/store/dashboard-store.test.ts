// The dashboard's store reads and writes on both backends (the shared suite), plus what only
// SQLite has: the admin_audit table from migration 8, and the retrain gate's verdicts read from
// model_versions (migration 7), which the memory store does not keep.

import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MemoryDecisionStore } from '../../src/store/memory.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { migrations } from '../../src/store/sqlite/migrations.ts';
import { useTempDir } from './fixtures/temp-dir.ts';
import { describeDashboardStoreConformance } from './dashboard-store.conformance.ts';

const tempDir = useTempDir();

describeDashboardStoreConformance('memory', { create: () => new MemoryDecisionStore() });
describeDashboardStoreConformance('sqlite file', { create: () => openSqliteStore(join(tempDir(), 'dash.db')) });

describe('dashboard tables on SQLite', () => {
  it('creates admin_audit in migration 8', async () => {
    const path = join(tempDir(), 'm.db');
    const store = openSqliteStore(path);
    await store.close();
    const db = new Database(path, { readonly: true });
    try {
      expect(migrations.find((m) => m.version === 8)?.name).toBe('admin audit');
      const columns = db.prepare('PRAGMA table_info(admin_audit)').all().map((row) => String(typeof row === 'object' && row !== null ? Reflect.get(row, 'name') : ''));
      expect(columns).toEqual(['id', 'created_at', 'action', 'router', 'calibration_id', 'key_id', 'detail']);
    } finally {
      db.close();
    }
  });

  it("shows the retrain gate's newest verdicts from model_versions, long reasons cut short", async () => {
    const store = openSqliteStore(join(tempDir(), 'gate.db'));
    try {
      expect(await store.gateVerdicts(10)).toEqual({ table: 'model_versions', columns: ['id', 'line', 'version', 'status', 'reason', 'created_at', 'activated_at', 'rolled_back_at'], rows: [] });
      const day = Date.UTC(2026, 10, 20, 8);
      const version = (n: number, status: 'promoted' | 'rejected', reason: string) => ({
        id: `default@${n}`, line: 'default', version: n, dir: `/models/default-v${n}`, createdAt: day + n, status, reason, report: null, activatedAt: null, rolledBackAt: null,
      });
      await store.saveModelVersion(version(6, 'promoted', 'x'.repeat(500)));
      await store.saveModelVersion(version(7, 'rejected', 'worse on own traffic'));
      const gate = await store.gateVerdicts(10);
      expect(gate?.rows.map((row) => [row[0], row[3]])).toEqual([['default@7', 'rejected'], ['default@6', 'promoted']]);
      const reason = gate?.rows[1]?.[4];
      expect(typeof reason === 'string' && reason.length).toBe(201);
      expect((await store.gateVerdicts(1))?.rows).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
