// The dashboard's store reads and writes on both backends (the shared suite), plus what only
// SQLite has: the admin_audit table from migration 8, and feature detection of shadow_labels and a
// model-gate table created by a later migration (made here by hand, in two column layouts).

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

  it('finds shadow_labels and a gate table when they exist, whatever their other columns', async () => {
    const path = join(tempDir(), 'learn.db');
    (await openSqliteStore(path)).close();
    const db = new Database(path);
    const day = Date.UTC(2026, 10, 20, 8);
    db.exec('CREATE TABLE shadow_labels (decision_id TEXT, labeler TEXT, tier TEXT, score REAL, created_at INTEGER)');
    db.exec('CREATE TABLE model_gate (id INTEGER PRIMARY KEY, created_at INTEGER, model TEXT, verdict TEXT, notes TEXT)');
    const label = db.prepare('INSERT INTO shadow_labels VALUES (?, ?, ?, ?, ?)');
    label.run('a', 'judge:gpt', 'strong', 0.9, day);
    label.run('b', 'judge:gpt', 'weak', 0.2, day + 1000);
    label.run('c', 'other', 'weak', 0.1, day + 86_400_000);
    const verdict = db.prepare('INSERT INTO model_gate (created_at, model, verdict, notes) VALUES (?, ?, ?, ?)');
    verdict.run(day, 'v5', 'pass', 'x'.repeat(500));
    verdict.run(day + 5000, 'v6', 'fail', null);
    db.close();
    const store = openSqliteStore(path);
    try {
      expect(await store.shadowLabelsPerDay()).toEqual([
        { day: '2026-11-20', source: 'judge:gpt', count: 2, meanRating: null },
        { day: '2026-11-21', source: 'other', count: 1, meanRating: null },
      ]);
      const gate = await store.gateVerdicts(10);
      expect(gate?.table).toBe('model_gate');
      expect(gate?.columns).toEqual(['id', 'created_at', 'model', 'verdict', 'notes']);
      expect(gate?.rows.map((r) => r[3])).toEqual(['fail', 'pass']);
      const notes = gate?.rows[1]?.[4];
      expect(typeof notes === 'string' && notes.length).toBe(201);
    } finally {
      await store.close();
    }
  });
});
