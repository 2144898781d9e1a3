// The calibrations table on SQLite: encode/decode rows (JSON columns parsed back through the
// zod schemas), save, list newest first, the active set per (router, target), and rollback. The
// codecs are exported: the Postgres store keeps the same columns and reuses them.

import type Database from 'better-sqlite3';
import {
  ScoreSnapshotSchema, activePerRouter, CalibrationSchema, CalibrationTargetSchema, CalibrationWindowSchema, NothingToRollBackError, targetKey,
  type Calibration, type CalibrationQuery,
} from '../learning-store.ts';

type Row = Record<string, unknown>;
const isRow = (value: unknown): value is Row => typeof value === 'object' && value !== null;
const numOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

export function decodeCalibration(row: Row): Calibration {
  const snapshot = typeof row['score_snapshot'] === 'string' ? ScoreSnapshotSchema.parse(JSON.parse(row['score_snapshot'])) : null;
  return CalibrationSchema.parse({
    ...(snapshot ? { scoreSnapshot: snapshot } : {}),
    id: row['id'],
    router: row['router'],
    createdAt: row['created_at'],
    target: CalibrationTargetSchema.parse(JSON.parse(String(row['target']))),
    threshold: row['threshold'],
    scorer: row['scorer'] ?? null,
    window: CalibrationWindowSchema.parse(JSON.parse(String(row['window']))),
    expectedShare: row['expected_share'],
    period: row['period'] ?? null,
    projectedCostUsd: numOrNull(row['projected_cost_usd']),
    allStrongCostUsd: numOrNull(row['all_strong_cost_usd']),
    qualityRetained: numOrNull(row['quality_retained']),
    qualityLow: numOrNull(row['quality_low']),
    qualityHigh: numOrNull(row['quality_high']),
    pgr: numOrNull(row['pgr']),
    rolledBackAt: numOrNull(row['rolled_back_at']),
  });
}

/** Column order of the calibrations insert; `encodeCalibration` returns values in this order. */
export const calibrationColumns = [
  'id', 'router', 'created_at', 'target_kind', 'target_key', 'target', 'threshold', 'scorer', 'window', 'expected_share',
  'period', 'projected_cost_usd', 'all_strong_cost_usd', 'quality_retained', 'quality_low', 'quality_high', 'pgr',
  'rolled_back_at', 'score_snapshot',
] as const;

/** Validates a calibration and returns its insert values (JSON columns as text). */
export function encodeCalibration(input: Calibration): Array<string | number | null> {
  const c = CalibrationSchema.parse(input);
  return [
    c.id, c.router, c.createdAt, c.target.kind, targetKey(c.target), JSON.stringify(c.target), c.threshold, c.scorer,
    JSON.stringify(c.window), c.expectedShare, c.period, c.projectedCostUsd, c.allStrongCostUsd, c.qualityRetained,
    c.qualityLow, c.qualityHigh, c.pgr, c.rolledBackAt, c.scoreSnapshot ? JSON.stringify(c.scoreSnapshot) : null,
  ];
}

function limitClause(limit: number | undefined): string {
  if (limit === undefined) return '';
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
  return ` LIMIT ${limit}`;
}

export class CalibrationTable {
  private readonly insert: Database.Statement;
  private readonly active: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO calibrations (id, router, created_at, target_kind, target_key, target, threshold, scorer, window,
        expected_share, period, projected_cost_usd, all_strong_cost_usd, quality_retained, quality_low, quality_high, pgr,
        rolled_back_at, score_snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // Newest live row per (router, target): bounded by the number of distinct targets, not by history.
    this.active = db.prepare(
      `SELECT c.* FROM calibrations c
        WHERE c.rolled_back_at IS NULL AND c.rowid = (
          SELECT d.rowid FROM calibrations d WHERE d.router = c.router AND d.target_key = c.target_key AND d.rolled_back_at IS NULL
          ORDER BY d.created_at DESC, d.rowid DESC LIMIT 1)
        ORDER BY c.created_at DESC, c.rowid DESC`,
    );
  }

  save(input: Calibration): void {
    this.insert.run(...encodeCalibration(input));
  }

  list(query: CalibrationQuery = {}): Calibration[] {
    const where = query.router === undefined ? '' : ' WHERE router = ?';
    const params = query.router === undefined ? [] : [query.router];
    const sql = `SELECT * FROM calibrations${where} ORDER BY created_at DESC, rowid DESC${limitClause(query.limit)}`;
    return this.db.prepare(sql).all(...params).filter(isRow).map(decodeCalibration);
  }

  activeSet(): Calibration[] {
    return this.active.all().filter(isRow).map(decodeCalibration);
  }

  rollback(router: string, at: number): Calibration | null {
    const run = this.db.transaction((): Calibration | null => {
      const current = activePerRouter(this.activeSet()).find((c) => c.router === router);
      if (!current) throw new NothingToRollBackError(`router "${router}" has no active calibration to roll back`);
      this.db.prepare('UPDATE calibrations SET rolled_back_at = ? WHERE id = ?').run(at, current.id);
      return activePerRouter(this.activeSet()).find((c) => c.router === router) ?? null;
    });
    return run.immediate();
  }
}
