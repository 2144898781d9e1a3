// A fresh Postgres database for a benchmark: on the server TRIAGE_BENCH_DATABASE_URL names (a role
// allowed to CREATE DATABASE), else on a throw-away cluster (the test harness's, unix socket only).
// stop() stops the throw-away cluster; a database on a given server is left for its owner to drop.

import { randomBytes } from 'node:crypto';
import { adminQuery, withDatabase } from '../../test/support/postgres-admin.ts';
import { startTestCluster, type TestCluster } from '../../test/support/postgres-cluster.ts';

export interface BenchDatabase {
  url: string;
  stop(): Promise<void>;
}

export async function openBenchDatabase(prefix: string): Promise<BenchDatabase> {
  let cluster: TestCluster | undefined;
  let adminUrl = process.env['TRIAGE_BENCH_DATABASE_URL'];
  if (!adminUrl) {
    cluster = await startTestCluster();
    adminUrl = cluster.url;
  }
  try {
    const name = `${prefix}_${randomBytes(4).toString('hex')}`;
    await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
    return { url: withDatabase(adminUrl, name), stop: async () => cluster?.stop() };
  } catch (error) {
    await cluster?.stop();
    throw error;
  }
}
