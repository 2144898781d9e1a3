// Vitest global setup: one Postgres server for the whole run. TRIAGE_TEST_DATABASE_URL (a superuser
// or a role allowed to CREATE DATABASE) is used when set; otherwise a folder is reserved for a
// throw-away cluster that the first suite needing Postgres starts (postgres-cluster.ts) and that
// the teardown stops — a run whose files never ask for Postgres starts none. When neither is
// possible the Postgres tests skip and this prints one line saying why; under CI=true that is an
// error instead, so CI cannot pass with the Postgres tests silently skipped.

import type { TestProject } from 'vitest/node';
import { removeCluster, reserveClusterDir } from './postgres-cluster.ts';

export interface TestPostgres {
  /** Admin URL the tests create their own databases through (null: none given). */
  url: string | null;
  /** Folder of the lazily started throw-away cluster, when no URL was given. */
  clusterDir: string | null;
  /** Why Postgres is unavailable ('' when it is available). */
  reason: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testPostgres: TestPostgres;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = process.env['TRIAGE_TEST_DATABASE_URL'];
  if (given) {
    project.provide('testPostgres', { url: given, clusterDir: null, reason: '' });
    return undefined;
  }
  try {
    const clusterDir = await reserveClusterDir();
    project.provide('testPostgres', { url: null, clusterDir, reason: '' });
    return () => removeCluster(clusterDir);
  } catch (error) {
    const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    const reason = `no TRIAGE_TEST_DATABASE_URL and no throw-away cluster possible: ${detail}`;
    if (process.env['CI'] === 'true') throw new Error(`CI=true, but the Postgres tests would be skipped: ${reason}`);
    process.stderr.write(`Skipping the Postgres tests: ${reason}\n`);
    project.provide('testPostgres', { url: null, clusterDir: null, reason });
    return undefined;
  }
}
