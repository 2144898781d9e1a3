// Retention on Postgres: one batch of decisions older than a cutoff, oldest first, deleted with
// their outcomes in one statement (see store/retention.ts). FOR UPDATE SKIP LOCKED lets several
// instances prune at the same time without waiting on each other or deleting a row twice.

import type pg from 'pg';
import type { PruneResult } from '../retention.ts';

const PRUNE_SQL = `WITH doomed AS (
    SELECT id FROM decisions WHERE created_at < $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED),
  gone_outcomes AS (DELETE FROM outcomes WHERE decision_id IN (SELECT id FROM doomed) RETURNING 1),
  gone AS (DELETE FROM decisions WHERE id IN (SELECT id FROM doomed) RETURNING 1)
  SELECT (SELECT count(*) FROM gone) AS decisions, (SELECT count(*) FROM gone_outcomes) AS outcomes`;

export async function prunePostgresBefore(pool: pg.Pool, cutoff: number, batchSize: number): Promise<PruneResult> {
  const result = await pool.query<{ decisions: number; outcomes: number }>(PRUNE_SQL, [cutoff, Math.max(1, Math.trunc(batchSize))]);
  const row = result.rows[0];
  return { decisions: Number(row?.decisions ?? 0), outcomes: Number(row?.outcomes ?? 0) };
}
