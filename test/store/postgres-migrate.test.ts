// The Postgres migration runner against a real server (test/support/postgres.ts): a fresh database
// gets every migration, a second run applies nothing, several instances migrating at once apply
// each version exactly once (the advisory lock), a newer database is refused, and the tables carry
// the same columns as the SQLite schema (plus the seq tie-break columns).

import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { applyPostgresMigrations, postgresMigrationStatus } from '../../src/store/postgres/migrate.ts';
import { postgresMigrations } from '../../src/store/postgres/migrations.ts';
import { openPostgresPool } from '../../src/store/postgres/pool.ts';
import { SchemaTooNewError } from '../../src/store/schema-version.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { suiteDatabases } from '../support/postgres.ts';
import { suiteTempDir } from '../support/temp-dir.ts';

const databases = suiteDatabases('migrate');

describe.skipIf(databases.skip !== null)(`Postgres migrations${databases.skip ? ` (skipped: ${databases.skip})` : ''}`, () => {
  const pools: pg.Pool[] = [];
  const open = (url: string): pg.Pool => {
    const pool = openPostgresPool(url);
    pools.push(pool);
    return pool;
  };
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.end()));
  });
  const temp = suiteTempDir('pg-migrate-');

  it('applies every migration to a fresh database, then nothing on a second run', async () => {
    const pool = open(await databases.create());
    expect((await postgresMigrationStatus(pool)).pending.map((m) => m.version)).toEqual(postgresMigrations.map((m) => m.version));
    expect(await applyPostgresMigrations(pool)).toEqual(postgresMigrations.map((m) => m.version));
    expect(await applyPostgresMigrations(pool)).toEqual([]);
    const status = await postgresMigrationStatus(pool);
    expect(status.pending).toEqual([]);
    expect(status.applied.map((m) => [m.version, m.name])).toEqual(postgresMigrations.map((m) => [m.version, m.name]));
  });

  it('applies each version once when several instances migrate at the same moment', async () => {
    const url = await databases.create();
    const results = await Promise.all(Array.from({ length: 6 }, () => applyPostgresMigrations(open(url))));
    expect(results.flat().sort()).toEqual(postgresMigrations.map((m) => m.version));
    const rows = await open(url).query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.rows.map((row) => row.version)).toEqual(postgresMigrations.map((m) => m.version));
  });

  it('refuses a database written by a newer build', async () => {
    const pool = open(await databases.create());
    await applyPostgresMigrations(pool);
    await pool.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)");
    await expect(applyPostgresMigrations(pool)).rejects.toThrow(SchemaTooNewError);
    await expect(applyPostgresMigrations(pool)).rejects.toThrow(/version 99 is newer than this build knows/);
  });

  it('rolls a failing migration back whole and records nothing for it', async () => {
    const pool = open(await databases.create());
    const broken = [...postgresMigrations, { version: postgresMigrations.length + 1, name: 'broken', sql: 'CREATE TABLE half (x INT); SELECT no_such_function();' }];
    await expect(applyPostgresMigrations(pool, broken)).rejects.toThrow(/no_such_function/);
    const half = await pool.query<{ present: string | null }>("SELECT to_regclass('half')::text AS present");
    expect(half.rows[0]?.present).toBeNull();
    expect((await postgresMigrationStatus(pool, broken)).pending.map((m) => m.name)).toEqual(['broken']);
  });

  it('has the same tables and columns as the SQLite schema, plus seq tie-break columns', async () => {
    const path = join(temp.path, 'schema.db');
    await openSqliteStore(path).close();
    const sqlite = new Database(path, { readonly: true });
    const sqliteColumns = new Map<string, string[]>();
    const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all();
    for (const table of tables) {
      const name = String(table);
      const columns = sqlite.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(name).map(String);
      sqliteColumns.set(name, columns.sort());
    }
    sqlite.close();

    const pool = open(await databases.create());
    await applyPostgresMigrations(pool);
    const result = await pool.query<{ table_name: string; column_name: string }>(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, column_name",
    );
    const postgresColumns = new Map<string, string[]>();
    for (const row of result.rows) postgresColumns.set(row.table_name, [...(postgresColumns.get(row.table_name) ?? []), row.column_name]);
    for (const [table, columns] of postgresColumns) postgresColumns.set(table, columns.filter((column) => column !== 'seq').sort());
    // State only a fleet of gateways shares (spend ledger, leases, share windows): a single SQLite gateway keeps it in memory.
    for (const table of ['spend_ledger', 'spend_leases', 'share_batches', 'share_counts']) expect(postgresColumns.delete(table)).toBe(true);
    expect(Object.fromEntries(postgresColumns)).toEqual(Object.fromEntries(sqliteColumns));
  });
});
