// The model_versions table on SQLite: save, list newest first, the active version per line,
// activate and roll back (see store/model-versions.ts for the semantics). The codecs are exported:
// the Postgres store keeps the same columns and reuses them.

import type Database from 'better-sqlite3';
import {
  ModelVersionSchema, NothingToRollBackError, UnknownModelVersionError, type ModelVersion, type ModelVersionQuery,
} from '../model-versions.ts';

type Row = Record<string, unknown>;
const isRow = (value: unknown): value is Row => typeof value === 'object' && value !== null;

export function decodeModelVersion(row: Row): ModelVersion {
  const report = row['report'];
  return ModelVersionSchema.parse({
    id: row['id'],
    line: row['line'],
    version: row['version'],
    dir: row['dir'],
    createdAt: row['created_at'],
    status: row['status'],
    reason: row['reason'],
    report: typeof report === 'string' ? JSON.parse(report) : null,
    activatedAt: row['activated_at'] ?? null,
    rolledBackAt: row['rolled_back_at'] ?? null,
  });
}

export const modelVersionColumns = ['id', 'line', 'version', 'dir', 'created_at', 'status', 'reason', 'report', 'activated_at', 'rolled_back_at'] as const;

/** Validates a version and returns its insert values, in modelVersionColumns order. */
export function encodeModelVersion(v: ModelVersion): Array<string | number | null> {
  const parsed = ModelVersionSchema.parse(v);
  return [parsed.id, parsed.line, parsed.version, parsed.dir, parsed.createdAt, parsed.status, parsed.reason,
    parsed.report === null ? null : JSON.stringify(parsed.report), parsed.activatedAt, parsed.rolledBackAt];
}

const ACTIVE_SQL = `SELECT * FROM model_versions m
  WHERE activated_at IS NOT NULL AND rolled_back_at IS NULL
    AND NOT EXISTS (SELECT 1 FROM model_versions n WHERE n.line = m.line AND n.activated_at IS NOT NULL AND n.rolled_back_at IS NULL
      AND (n.activated_at > m.activated_at OR (n.activated_at = m.activated_at AND n.rowid > m.rowid)))
  ORDER BY line`;

export class ModelVersionTable {
  constructor(private readonly db: Database.Database) {}

  save(v: ModelVersion): void {
    this.db
      .prepare(`INSERT INTO model_versions (${modelVersionColumns.join(', ')}) VALUES (${modelVersionColumns.map(() => '?').join(', ')})`)
      .run(...encodeModelVersion(v));
  }

  list(query: ModelVersionQuery = {}): ModelVersion[] {
    const limit = query.limit === undefined ? -1 : Math.max(0, Math.trunc(query.limit));
    const rows = query.line === undefined
      ? this.db.prepare('SELECT * FROM model_versions ORDER BY version DESC, rowid DESC LIMIT ?').all(limit)
      : this.db.prepare('SELECT * FROM model_versions WHERE line = ? ORDER BY version DESC, rowid DESC LIMIT ?').all(query.line, limit);
    return rows.filter(isRow).map(decodeModelVersion);
  }

  active(): ModelVersion[] {
    return this.db.prepare(ACTIVE_SQL).all().filter(isRow).map(decodeModelVersion);
  }

  activate(id: string, at: number): ModelVersion {
    const changed = this.db.prepare('UPDATE model_versions SET activated_at = ?, rolled_back_at = NULL WHERE id = ?').run(at, id).changes;
    if (changed === 0) throw new UnknownModelVersionError(`no model version "${id}" (see triage models list)`);
    const row: unknown = this.db.prepare('SELECT * FROM model_versions WHERE id = ?').get(id);
    if (!isRow(row)) throw new UnknownModelVersionError(`no model version "${id}"`);
    return decodeModelVersion(row);
  }

  rollback(line: string, at: number): ModelVersion | null {
    return this.db.transaction((): ModelVersion | null => {
      const current = this.active().find((v) => v.line === line);
      if (!current) throw new NothingToRollBackError(`model line ${line} has no active version to roll back (the shipped folder serves)`);
      this.db.prepare('UPDATE model_versions SET rolled_back_at = ? WHERE id = ?').run(at, current.id);
      return this.active().find((v) => v.line === line) ?? null;
    }).immediate();
  }
}
