// Retention on SQLite: one batch of decisions older than a cutoff, oldest first, deleted together
// with their outcomes in one IMMEDIATE transaction (see store/retention.ts). The ids are bound as
// one JSON array, so the batch size never runs into SQLite's bound-parameter limit.

import type Database from 'better-sqlite3';
import type { PruneResult } from '../retention.ts';

export function pruneSqliteBefore(db: Database.Database, cutoff: number, batchSize: number): PruneResult {
  const limit = Math.max(1, Math.trunc(batchSize));
  return db.transaction((): PruneResult => {
    const ids = db.prepare('SELECT id FROM decisions WHERE created_at < ? ORDER BY created_at LIMIT ?').pluck().all(cutoff, limit).map(String);
    if (ids.length === 0) return { decisions: 0, outcomes: 0 };
    const list = JSON.stringify(ids);
    const outcomes = db.prepare('DELETE FROM outcomes WHERE decision_id IN (SELECT value FROM json_each(?))').run(list).changes;
    const decisions = db.prepare('DELETE FROM decisions WHERE id IN (SELECT value FROM json_each(?))').run(list).changes;
    return { decisions, outcomes };
  }).immediate();
}
