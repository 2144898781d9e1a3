// The dashboard's tables on SQLite: the admin audit trail (migration 8), outcomes per day and
// source, shadow-judge labels per day and label (migration 6), and the retrain gate's verdicts as
// recorded in model_versions (migration 7). The codecs are exported: the Postgres store keeps the
// same columns and reuses them.

import type Database from 'better-sqlite3';
import {
  AuditEntrySchema, LabelDaySchema, type AuditEntry, type LabelDay, type LabelQuery, type OptionalTableRows,
} from '../dashboard-store.ts';

type Row = Record<string, unknown>;
const isRow = (value: unknown): value is Row => typeof value === 'object' && value !== null;
const MAX_CELL = 200;
/** What the Labels view shows of each model version: the gate's verdict (status) and its reason. */
export const GATE_COLUMNS = ['id', 'line', 'version', 'status', 'reason', 'created_at', 'activated_at', 'rolled_back_at'] as const;

function timeClause(column: string, query: LabelQuery): { where: string; params: number[] } {
  const parts: string[] = [];
  const params: number[] = [];
  if (query.since !== undefined) {
    parts.push(`${column} >= ?`);
    params.push(query.since);
  }
  if (query.until !== undefined) {
    parts.push(`${column} < ?`);
    params.push(query.until);
  }
  return { where: parts.length > 0 ? `WHERE ${parts.join(' AND ')}` : '', params };
}

export function decodeLabelDay(row: Row): LabelDay {
  const mean = row['meanRating'];
  return LabelDaySchema.parse({
    day: String(row['day'] ?? ''),
    source: String(row['source'] ?? ''),
    count: Number(row['count'] ?? 0),
    meanRating: typeof mean === 'number' && Number.isFinite(mean) ? mean : null,
  });
}

export function cell(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (Buffer.isBuffer(value)) return `(${value.length} bytes)`;
  const text = String(value);
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL)}…` : text;
}

/** Validates an audit entry and returns its insert values (created_at, action, router, calibration_id, key_id, detail). */
export function encodeAudit(entry: AuditEntry): Array<string | number | null> {
  const e = AuditEntrySchema.parse(entry);
  return [e.createdAt, e.action, e.router, e.calibrationId, e.keyId, JSON.stringify(e.detail)];
}

export const decodeAudit = (row: Row): AuditEntry =>
  AuditEntrySchema.parse({
    createdAt: row['created_at'],
    action: row['action'],
    router: row['router'],
    calibrationId: row['calibration_id'] ?? null,
    keyId: row['key_id'] ?? null,
    detail: JSON.parse(String(row['detail'] ?? '{}')),
  });

export class DashboardTables {
  constructor(private readonly db: Database.Database) {}

  recordAudit(entry: AuditEntry): void {
    this.db
      .prepare('INSERT INTO admin_audit (created_at, action, router, calibration_id, key_id, detail) VALUES (?, ?, ?, ?, ?, ?)')
      .run(...encodeAudit(entry));
  }

  auditEntries(limit: number): AuditEntry[] {
    return this.db
      .prepare('SELECT * FROM admin_audit ORDER BY created_at DESC, id DESC LIMIT ?')
      .all(limit)
      .filter(isRow)
      .map(decodeAudit);
  }

  outcomesPerDay(query: LabelQuery): LabelDay[] {
    const { where, params } = timeClause('created_at', query);
    return this.db
      .prepare(
        `SELECT strftime('%Y-%m-%d', created_at / 1000, 'unixepoch') AS day, source, count(*) AS count, avg(rating) AS meanRating
         FROM outcomes ${where} GROUP BY day, source ORDER BY day, source`,
      )
      .all(...params)
      .filter(isRow)
      .map(decodeLabelDay);
  }

  /** Shadow-judge labels (migration 6) per UTC day and label kind, e.g. source "shadow:weak_ok". */
  shadowLabelsPerDay(query: LabelQuery): LabelDay[] {
    const { where, params } = timeClause('ts', query);
    return this.db
      .prepare(
        `SELECT strftime('%Y-%m-%d', ts / 1000, 'unixepoch') AS day, 'shadow:' || label AS source, count(*) AS count, NULL AS meanRating
         FROM shadow_labels ${where} GROUP BY day, label ORDER BY day, label`,
      )
      .all(...params)
      .filter(isRow)
      .map(decodeLabelDay);
  }

  /** The retrain gate's newest verdicts: model versions (migration 7), promoted, rejected or registered. */
  gateVerdicts(limit: number): OptionalTableRows {
    const columns = GATE_COLUMNS;
    const rows = this.db
      .prepare(`SELECT ${columns.join(', ')} FROM model_versions ORDER BY created_at DESC, version DESC LIMIT ?`)
      .all(limit)
      .filter(isRow);
    return { table: 'model_versions', columns: [...columns], rows: rows.map((row) => columns.map((column) => cell(row[column]))) };
  }
}
