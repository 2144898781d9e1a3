// Applies the schema migrations to an open database: records each applied version in
// `schema_migrations`, runs all pending ones in one IMMEDIATE transaction (so two processes opening
// the same file cannot both apply them), and refuses a database written by a newer build.

import type Database from 'better-sqlite3';
import { checkMigrationOrder, SchemaTooNewError, type Migration } from '../schema-version.ts';

export { checkMigrationOrder, SchemaTooNewError };

/** Brings the schema up to date; returns the versions applied now (empty when already current). */
export function applyMigrations(db: Database.Database, list: readonly Migration[]): number[] {
  checkMigrationOrder(list);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const currentVersion = db.prepare('SELECT max(version) AS v FROM schema_migrations').pluck();
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const migrateAll = db.transaction((): number[] => {
    const current = Number(currentVersion.get() ?? 0);
    const known = list.length;
    if (current > known) throw new SchemaTooNewError(current, known);
    const pending = list.filter((migration) => migration.version > current);
    for (const migration of pending) {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
    }
    return pending.map((migration) => migration.version);
  });
  return migrateAll.immediate();
}
