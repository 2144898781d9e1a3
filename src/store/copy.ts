// `triage db copy`: moves every table of one store into another (SQLite -> Postgres is the usual
// move; any direction works), column for column — both backends keep the same columns. Each table
// is streamed in batches in insertion order (keyset pagination, so memory stays bounded whatever the
// size), and written with "insert, skip what is already there", so a re-run copies only what is new
// and never duplicates a row. Ids (outcome, shadow-label and audit ids included) are kept; Postgres
// id sequences are moved past the copied ids afterwards. Both sides are migrated first.

import Database from 'better-sqlite3';
import type pg from 'pg';
import type { StoreKind } from '../config/store-schema.ts';
import { applyPostgresMigrations } from './postgres/migrate.ts';
import { openPostgresPool } from './postgres/pool.ts';
import { calibrationColumns } from './sqlite/calibrations.ts';
import { applyMigrations } from './sqlite/migrate.ts';
import { migrations } from './sqlite/migrations.ts';
import { modelVersionColumns } from './sqlite/model-versions.ts';
import { decisionColumns, type SqlValue } from './sqlite/rows.ts';
import { shadowLabelColumns } from './sqlite/shadow-label-table.ts';
import type { StoreTarget } from './target.ts';

export const COPIED_TABLES = ['decisions', 'outcomes', 'gateway_keys', 'calibrations', 'shadow_labels', 'model_versions', 'admin_audit'] as const;
export type CopiedTable = (typeof COPIED_TABLES)[number];

/** The columns both backends share, per table (Postgres' own `seq` tie-break columns are not copied). */
export const tableColumns: Record<CopiedTable, readonly string[]> = {
  decisions: decisionColumns,
  outcomes: ['id', 'decision_id', 'created_at', 'source', 'rating', 'label'],
  gateway_keys: ['id', 'hash', 'name', 'created_at', 'revoked_at', 'tags', 'budget', 'models', 'admin'],
  calibrations: calibrationColumns,
  shadow_labels: ['id', ...shadowLabelColumns],
  model_versions: modelVersionColumns,
  admin_audit: ['id', 'created_at', 'action', 'router', 'calibration_id', 'key_id', 'detail'],
};

/** Postgres' insertion-order column per table (SQLite uses its rowid everywhere). */
const postgresOrder: Record<CopiedTable, string> = {
  decisions: 'seq', outcomes: 'id', gateway_keys: 'seq', calibrations: 'seq', shadow_labels: 'id', model_versions: 'seq', admin_audit: 'id',
};

/** Tables whose id is a Postgres sequence that must move past the copied ids. */
const serialTables: readonly CopiedTable[] = ['outcomes', 'shadow_labels', 'admin_audit'];

type Row = SqlValue[];

interface Batch {
  rows: Row[];
  /** Where the next batch starts (the last row's order key), or null when this was the last. */
  next: number | null;
}

/** One side of a copy: reads a table in insertion order, writes rows skipping existing ones. */
interface CopyEnd {
  read(table: CopiedTable, after: number, limit: number): Promise<Batch>;
  /** Returns how many rows were new. */
  write(table: CopiedTable, rows: Row[]): Promise<number>;
  finish(): Promise<void>;
  close(): Promise<void>;
}

const quoted = (columns: readonly string[]): string => columns.map((column) => `"${column}"`).join(', ');

function toSqlValue(value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string' || Buffer.isBuffer(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Uint8Array) return Buffer.from(value);
  return String(value);
}

function sqliteEnd(path: string): CopyEnd {
  const db = new Database(path);
  db.pragma('busy_timeout = 10000');
  db.pragma('journal_mode = WAL');
  applyMigrations(db, migrations);
  return {
    async read(table, after, limit) {
      const columns = tableColumns[table];
      const rows: unknown[] = db.prepare(`SELECT rowid AS "__order", ${quoted(columns)} FROM ${table} WHERE rowid > ? ORDER BY rowid LIMIT ?`).all(after, limit);
      const out: Row[] = [];
      let last = after;
      for (const row of rows) {
        if (typeof row !== 'object' || row === null) continue;
        const record = new Map(Object.entries(row));
        last = Number(record.get('__order'));
        out.push(columns.map((column) => toSqlValue(record.get(column))));
      }
      return { rows: out, next: rows.length < limit ? null : last };
    },
    async write(table, rows) {
      const columns = tableColumns[table];
      const insert = db.prepare(`INSERT OR IGNORE INTO ${table} (${quoted(columns)}) VALUES (${columns.map(() => '?').join(', ')})`);
      return db.transaction((batch: Row[]) => batch.reduce((added, row) => added + insert.run(...row).changes, 0))(rows);
    },
    async finish() {},
    async close() {
      db.close();
    },
  };
}

async function postgresEnd(url: string): Promise<CopyEnd> {
  const pool: pg.Pool = openPostgresPool(url, { max: 2 });
  try {
    await applyPostgresMigrations(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return {
    async read(table, after, limit) {
      const columns = tableColumns[table];
      const order = postgresOrder[table];
      const result = await pool.query(`SELECT ${order} AS "__order", ${quoted(columns)} FROM ${table} WHERE ${order} > $1 ORDER BY ${order} LIMIT $2`, [after, limit]);
      const rows: Array<Record<string, unknown>> = result.rows;
      const last = rows.length > 0 ? Number(rows[rows.length - 1]?.['__order']) : after;
      return { rows: rows.map((row) => columns.map((column) => toSqlValue(row[column]))), next: rows.length < limit ? null : last };
    },
    async write(table, rows) {
      if (rows.length === 0) return 0;
      const columns = tableColumns[table];
      const values: SqlValue[] = [];
      const tuples = rows.map((row) => `(${row.map((value) => { values.push(value); return `$${values.length}`; }).join(', ')})`);
      const result = await pool.query(`INSERT INTO ${table} (${quoted(columns)}) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`, values);
      return result.rowCount ?? 0;
    },
    async finish() {
      for (const table of serialTables) {
        await pool.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), coalesce((SELECT max(id) FROM ${table}), 0) + 1, false)`);
      }
    },
    async close() {
      await pool.end();
    },
  };
}

type EndOpeners = { [K in StoreKind]: (target: Extract<StoreTarget, { kind: K }>) => Promise<CopyEnd> };
const endOpeners: EndOpeners = {
  sqlite: async (target) => sqliteEnd(target.path),
  postgres: (target) => postgresEnd(target.url),
};

function openEnd<K extends StoreKind>(target: Extract<StoreTarget, { kind: K }>): Promise<CopyEnd> {
  const opener: EndOpeners[K] = endOpeners[target.kind];
  return opener(target);
}

export interface TableCopyCount {
  table: CopiedTable;
  /** Rows read from the source. */
  read: number;
  /** Rows that were new in the target. */
  copied: number;
}

export interface CopyOptions {
  /** Rows per read and per insert (default 500; at most 1,500 so one insert stays under Postgres' parameter limit). */
  batchSize?: number;
  onTable?: (count: TableCopyCount) => void;
}

export async function copyStore(from: StoreTarget, to: StoreTarget, options: CopyOptions = {}): Promise<TableCopyCount[]> {
  const batchSize = Math.min(1_500, Math.max(1, Math.trunc(options.batchSize ?? 500)));
  const source = await openEnd(from);
  let target: CopyEnd | undefined;
  try {
    target = await openEnd(to);
    const counts: TableCopyCount[] = [];
    for (const table of COPIED_TABLES) {
      const count: TableCopyCount = { table, read: 0, copied: 0 };
      let after: number | null = 0;
      while (after !== null) {
        const batch: Batch = await source.read(table, after, batchSize);
        count.read += batch.rows.length;
        count.copied += await target.write(table, batch.rows);
        after = batch.next;
      }
      counts.push(count);
      options.onTable?.(count);
    }
    await target.finish();
    return counts;
  } finally {
    await target?.close();
    await source.close();
  }
}
