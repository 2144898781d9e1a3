// The dashboard's tables and label evidence on Postgres: the admin audit trail, outcomes and shadow
// labels per UTC day, the retrain gate's verdicts (model_versions), and outcomes / shadow verdicts
// joined with their decisions for `triage labels export`. The SQLite codecs are reused (same
// columns); the shadow_labels table always exists here, so shadowTable is always true.

import type pg from 'pg';
import type { AuditEntry, LabelDay, LabelQuery, OptionalTableRows } from '../dashboard-store.ts';
import type { LabelEvidence, LabelEvidenceQuery } from '../label-evidence.ts';
import { cell, decodeAudit, decodeLabelDay, encodeAudit, GATE_COLUMNS } from '../sqlite/dashboard-tables.ts';
import { DECISION_COLUMNS, decodeOutcomeEvidence, decodeShadowEvidence } from '../sqlite/label-evidence.ts';
import { Params, utcDaySql, whereSql } from './params.ts';

function timeWhere(column: string, query: LabelQuery, params: Params): string {
  const conditions: string[] = [];
  if (query.since !== undefined) conditions.push(`${column} >= ${params.add(query.since)}`);
  if (query.until !== undefined) conditions.push(`${column} < ${params.add(query.until)}`);
  return whereSql(conditions);
}

const rowLimit = (limit: number): number => Math.max(0, Math.trunc(limit));

export async function recordAudit(pool: pg.Pool, entry: AuditEntry): Promise<void> {
  const params = new Params();
  const row = params.row(encodeAudit(entry));
  await pool.query(`INSERT INTO admin_audit (created_at, action, router, calibration_id, key_id, detail) VALUES ${row}`, params.values);
}

export async function auditEntries(pool: pg.Pool, limit: number): Promise<AuditEntry[]> {
  const result = await pool.query('SELECT * FROM admin_audit ORDER BY created_at DESC, id DESC LIMIT $1', [rowLimit(limit)]);
  return result.rows.map(decodeAudit);
}

export async function outcomesPerDay(pool: pg.Pool, query: LabelQuery): Promise<LabelDay[]> {
  const params = new Params();
  const sql = `SELECT ${utcDaySql('created_at')} AS day, source, count(*) AS count, avg(rating) AS "meanRating"
    FROM outcomes${timeWhere('created_at', query, params)} GROUP BY 1, source ORDER BY 1, source`;
  return (await pool.query(sql, params.values)).rows.map(decodeLabelDay);
}

export async function shadowLabelsPerDay(pool: pg.Pool, query: LabelQuery): Promise<LabelDay[]> {
  const params = new Params();
  const sql = `SELECT ${utcDaySql('ts')} AS day, 'shadow:' || label AS source, count(*) AS count, NULL::float8 AS "meanRating"
    FROM shadow_labels${timeWhere('ts', query, params)} GROUP BY 1, label ORDER BY 1, label`;
  return (await pool.query(sql, params.values)).rows.map(decodeLabelDay);
}

export async function gateVerdicts(pool: pg.Pool, limit: number): Promise<OptionalTableRows> {
  const sql = `SELECT ${GATE_COLUMNS.join(', ')} FROM model_versions ORDER BY created_at DESC, version DESC LIMIT $1`;
  const rows: Array<Record<string, unknown>> = (await pool.query(sql, [rowLimit(limit)])).rows;
  return { table: 'model_versions', columns: [...GATE_COLUMNS], rows: rows.map((row) => GATE_COLUMNS.map((column) => cell(row[column]))) };
}

export async function labelEvidence(pool: pg.Pool, query: LabelEvidenceQuery): Promise<LabelEvidence> {
  const since = query.since ?? 0;
  const limit = rowLimit(query.limit ?? 1_000_000);
  const outcomes = await pool.query(
    `SELECT ${DECISION_COLUMNS}, o.source, o.rating, o.label, o.created_at AS recorded_at
      FROM outcomes o JOIN decisions d ON d.id = o.decision_id
      WHERE o.created_at >= $1 ORDER BY o.created_at, o.id LIMIT $2`,
    [since, limit],
  );
  const shadow = await pool.query(
    `SELECT ${DECISION_COLUMNS}, s.strong_model, s.weak_model, s.judge_model, s.label, s.ts AS recorded_at
      FROM shadow_labels s JOIN decisions d ON d.id = s.decision_id
      WHERE s.ts >= $1 ORDER BY s.ts, s.id LIMIT $2`,
    [since, limit],
  );
  return { outcomes: outcomes.rows.map(decodeOutcomeEvidence), shadow: shadow.rows.map(decodeShadowEvidence), shadowTable: true };
}
