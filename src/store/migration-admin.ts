// `triage db migrate` and `triage db status` on either backend: which schema migrations a store
// has applied and which are pending, and applying the pending ones (what opening a store does
// anyway, done on its own so an operator can run it once before rolling out new gateways).
// SQLite status reads the file without changing it (a missing file: everything pending).

import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { StoreKind } from '../config/store-schema.ts';
import { applyPostgresMigrations, postgresMigrationStatus, type AppliedMigration, type MigrationStatus } from './postgres/migrate.ts';
import { postgresMigrations } from './postgres/migrations.ts';
import { openPostgresPool } from './postgres/pool.ts';
import { applyMigrations } from './sqlite/migrate.ts';
import { migrations as sqliteMigrations } from './sqlite/migrations.ts';
import type { StoreTarget } from './target.ts';

export type { MigrationStatus };

interface MigrationAdmin<T extends StoreTarget> {
  status(target: T): Promise<MigrationStatus>;
  migrate(target: T): Promise<number[]>;
}

function sqliteApplied(path: string): AppliedMigration[] {
  if (!existsSync(path)) return [];
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
    if (table === undefined) return [];
    const rows: unknown[] = db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all();
    return rows.flatMap((row) =>
      typeof row === 'object' && row !== null && 'version' in row && 'name' in row && 'applied_at' in row
        ? [{ version: Number(row.version), name: String(row.name), appliedAt: Number(row.applied_at) }]
        : [],
    );
  } finally {
    db.close();
  }
}

type Admins = { [K in StoreKind]: MigrationAdmin<Extract<StoreTarget, { kind: K }>> };

const admins: Admins = {
  sqlite: {
    async status(target) {
      const applied = sqliteApplied(target.path);
      const current = Math.max(0, ...applied.map((m) => m.version));
      return { applied, pending: sqliteMigrations.filter((m) => m.version > current) };
    },
    async migrate(target) {
      const db = new Database(target.path);
      try {
        db.pragma('busy_timeout = 10000');
        db.pragma('journal_mode = WAL');
        return applyMigrations(db, sqliteMigrations);
      } finally {
        db.close();
      }
    },
  },
  postgres: {
    async status(target) {
      const pool = openPostgresPool(target.url, { max: 1 });
      try {
        return await postgresMigrationStatus(pool, postgresMigrations);
      } finally {
        await pool.end();
      }
    },
    async migrate(target) {
      const pool = openPostgresPool(target.url, { max: 1 });
      try {
        return await applyPostgresMigrations(pool, postgresMigrations);
      } finally {
        await pool.end();
      }
    },
  },
};

export function migrationStatus<K extends StoreKind>(target: Extract<StoreTarget, { kind: K }>): Promise<MigrationStatus> {
  const admin: Admins[K] = admins[target.kind];
  return admin.status(target);
}

export function migrateStore<K extends StoreKind>(target: Extract<StoreTarget, { kind: K }>): Promise<number[]> {
  const admin: Admins[K] = admins[target.kind];
  return admin.migrate(target);
}
