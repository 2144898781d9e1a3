// Test helper: fresh Postgres databases on the run's one server (see postgres.setup.ts). Each call
// of `create()` makes a new empty database, so tests never see each other's rows; the suite drops
// them all after its last test. `skip` is the reason to skip (null when Postgres is available).

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';

export interface SuiteDatabases {
  /** Why the Postgres tests skip, or null when they run. */
  readonly skip: string | null;
  /** A URL of a new, empty database. */
  create(): Promise<string>;
}

/** The URL with its database name replaced. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Call inside (or above) a describe block. */
export function suiteDatabases(prefix = 't'): SuiteDatabases {
  const { url, reason } = inject('testPostgres');
  const created: string[] = [];
  afterAll(async () => {
    if (!url) return;
    for (const name of created.splice(0)) await adminQuery(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
  return {
    skip: url ? null : reason,
    async create(): Promise<string> {
      if (!url) throw new Error(`Postgres unavailable: ${reason}`);
      const name = `${prefix.replace(/[^a-z0-9_]/g, '_')}_${randomBytes(6).toString('hex')}`;
      await adminQuery(url, `CREATE DATABASE ${name}`);
      created.push(name);
      return withDatabase(url, name);
    },
  };
}
