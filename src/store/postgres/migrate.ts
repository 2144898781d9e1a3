// Applies the Postgres migrations. Several gateway instances may start at once against one database,
// so the runner first takes a session-level advisory lock (pg_advisory_lock): one instance migrates,
// the others wait, then find nothing pending. Each migration runs in its own transaction together
// with its schema_migrations row, so a failed migration leaves no half-applied version. A database
// written by a newer build is refused (SchemaTooNewError), as the SQLite runner does.

import type pg from 'pg';
import { checkMigrationOrder, SchemaTooNewError, type Migration } from '../schema-version.ts';
import { postgresMigrations } from './migrations.ts';

/** The advisory lock key the runner holds while migrating (an arbitrary constant owned by triage). */
export const MIGRATION_LOCK_KEY = 7_470_012_001;

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at BIGINT NOT NULL
)`;

export interface AppliedMigration {
  version: number;
  name: string;
  appliedAt: number;
}

export interface MigrationStatus {
  applied: AppliedMigration[];
  pending: Migration[];
}

async function appliedMigrations(client: pg.ClientBase): Promise<AppliedMigration[]> {
  const exists = await client.query<{ present: string | null }>(
    "SELECT to_regclass('schema_migrations')::text AS present",
  );
  if (!exists.rows[0]?.present) return [];
  const result = await client.query<{ version: number; name: string; applied_at: number }>(
    'SELECT version, name, applied_at FROM schema_migrations ORDER BY version',
  );
  return result.rows.map((row) => ({ version: row.version, name: row.name, appliedAt: row.applied_at }));
}

/** Applied and pending migrations, read without taking the lock or changing anything. */
export async function postgresMigrationStatus(
  pool: pg.Pool,
  list: readonly Migration[] = postgresMigrations,
): Promise<MigrationStatus> {
  checkMigrationOrder(list);
  const client = await pool.connect();
  try {
    const applied = await appliedMigrations(client);
    const current = Math.max(0, ...applied.map((migration) => migration.version));
    return { applied, pending: list.filter((migration) => migration.version > current) };
  } finally {
    client.release();
  }
}

/** Brings the schema up to date; returns the versions applied now (empty when already current). */
export async function applyPostgresMigrations(
  pool: pg.Pool,
  list: readonly Migration[] = postgresMigrations,
): Promise<number[]> {
  checkMigrationOrder(list);
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(createMigrationsTable);
      const applied = await appliedMigrations(client);
      const current = Math.max(0, ...applied.map((migration) => migration.version));
      if (current > list.length) throw new SchemaTooNewError(current, list.length);
      const pending = list.filter((migration) => migration.version > current);
      for (const migration of pending) {
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
            migration.version, migration.name, Date.now(),
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        }
      }
      return pending.map((migration) => migration.version);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {
        broken = true;
      });
    }
  } finally {
    // A client whose unlock failed may still hold the lock: destroy it rather than pool it.
    client.release(broken);
  }
}
