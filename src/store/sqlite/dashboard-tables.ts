// The dashboard's tables on SQLite: the admin audit trail (migration 8), outcomes per day and
// source, and feature-detected learning tables (shadow_labels; a model-gate table) read without
// knowing their exact columns, so the dashboard works before, and after, they land.

import type Database from 'better-sqlite3';
import {
  AuditEntrySchema, LabelDaySchema, type AuditEntry, type LabelDay, type LabelQuery, type OptionalTableRows,
} from '../dashboard-store.ts';

type Row = Record<string, unknown>;
const isRow = (value: unknown): value is Row => typeof value === 'object' && value !== null;
const MAX_CELL = 200;

/** Identifiers come from sqlite_master / table_info; still quote them. */
const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

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

function decodeLabelDay(row: Row): LabelDay {
  const mean = row['meanRating'];
  return LabelDaySchema.parse({
    day: String(row['day'] ?? ''),
    source: String(row['source'] ?? ''),
    count: Number(row['count'] ?? 0),
    meanRating: typeof mean === 'number' && Number.isFinite(mean) ? mean : null,
  });
}

function cell(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (Buffer.isBuffer(value)) return `(${value.length} bytes)`;
  const text = String(value);
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL)}…` : text;
}

export class DashboardTables {
  constructor(private readonly db: Database.Database) {}

  private columns(table: string): string[] {
    return this.db.prepare(`PRAGMA table_info(${quote(table)})`).all().filter(isRow).map((row) => String(row['name']));
  }

  private tables(): string[] {
    return this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all().map(String);
  }

  recordAudit(entry: AuditEntry): void {
    const e = AuditEntrySchema.parse(entry);
    this.db
      .prepare('INSERT INTO admin_audit (created_at, action, router, calibration_id, key_id, detail) VALUES (?, ?, ?, ?, ?, ?)')
      .run(e.createdAt, e.action, e.router, e.calibrationId, e.keyId, JSON.stringify(e.detail));
  }

  auditEntries(limit: number): AuditEntry[] {
    return this.db
      .prepare('SELECT * FROM admin_audit ORDER BY created_at DESC, id DESC LIMIT ?')
      .all(limit)
      .filter(isRow)
      .map((row) =>
        AuditEntrySchema.parse({
          createdAt: row['created_at'],
          action: row['action'],
          router: row['router'],
          calibrationId: row['calibration_id'] ?? null,
          keyId: row['key_id'] ?? null,
          detail: JSON.parse(String(row['detail'] ?? '{}')),
        }),
      );
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

  /** Per day and labeler (or judge/source, whichever column the table has), when shadow_labels exists. */
  shadowLabelsPerDay(query: LabelQuery): LabelDay[] | null {
    if (!this.tables().includes('shadow_labels')) return null;
    const columns = this.columns('shadow_labels');
    if (!columns.includes('created_at')) return null;
    const sourceColumn = ['labeler', 'judge', 'source'].find((name) => columns.includes(name));
    const source = sourceColumn ? quote(sourceColumn) : "'shadow'";
    const { where, params } = timeClause('created_at', query);
    return this.db
      .prepare(
        `SELECT strftime('%Y-%m-%d', created_at / 1000, 'unixepoch') AS day, ${source} AS source, count(*) AS count, NULL AS meanRating
         FROM shadow_labels ${where} GROUP BY day, ${source} ORDER BY day, ${source}`,
      )
      .all(...params)
      .filter(isRow)
      .map(decodeLabelDay);
  }

  /** The newest rows of the first table named for a gate, or null. */
  gateVerdicts(limit: number): OptionalTableRows | null {
    // "gate" as a word of the name (model_gate, gate_verdicts), not inside one (gateway_keys).
    const table = this.tables().filter((name) => /(^|_)gates?(_|$)/i.test(name)).sort()[0];
    if (!table) return null;
    const columns = this.columns(table);
    const order = columns.includes('created_at') ? 'created_at DESC, rowid DESC' : 'rowid DESC';
    const rows = this.db.prepare(`SELECT * FROM ${quote(table)} ORDER BY ${order} LIMIT ?`).all(limit).filter(isRow);
    return { table, columns, rows: rows.map((row) => columns.map((column) => cell(row[column]))) };
  }
}
