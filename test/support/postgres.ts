// Test helper: fresh Postgres databases on the run's one server (see postgres.setup.ts; the
// throw-away cluster starts on the first create() of the run). Each call of `create()` makes a new
// empty database, so tests never see each other's rows; the suite drops them all after its last
// test. `skip` is the reason to skip (null when Postgres is available).

import { randomBytes } from 'node:crypto';
import { afterAll, inject } from 'vitest';
import { adminQuery, withDatabase } from './postgres-admin.ts';
import { ensureCluster } from './postgres-cluster.ts';

export interface SuiteDatabases {
  /** Why the Postgres tests skip, or null when they run. */
  readonly skip: string | null;
  /** A URL of a new, empty database. */
  create(): Promise<string>;
}

/** Call inside (or above) a describe block. */
export function suiteDatabases(prefix = 't'): SuiteDatabases {
  const { url: given, clusterDir, reason } = inject('testPostgres');
  const created: string[] = [];
  let url = given;
  const adminUrl = async (): Promise<string> => {
    if (url) return url;
    if (!clusterDir) throw new Error(`Postgres unavailable: ${reason}`);
    url = await ensureCluster(clusterDir);
    return url;
  };
  afterAll(async () => {
    if (created.length === 0) return;
    const admin = await adminUrl();
    for (const name of created.splice(0)) await adminQuery(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
  return {
    skip: given || clusterDir ? null : reason,
    async create(): Promise<string> {
      const url = await adminUrl();
      const name = `${prefix.replace(/[^a-z0-9_]/g, '_')}_${randomBytes(6).toString('hex')}`;
      await adminQuery(url, `CREATE DATABASE ${name}`);
      created.push(name);
      return withDatabase(url, name);
    },
  };
}
