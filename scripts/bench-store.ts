// bench:store — the decision log's write path on each backend: how long log() takes per row (it
// only encodes and queues) and how fast flush() drains the queue to disk / to the server. Postgres
// is TRIAGE_DATABASE_URL when set (a database the bench creates rows in and then drops them from),
// else a throw-away local cluster (test/support/postgres-cluster.ts); SQLite is a fresh temp file.
// Prints one line per backend; nothing is asserted.
// Usage: npm run bench:store [-- --rows 50000 --batch 256]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openPostgresStore } from '../src/store/postgres/index.ts';
import { openSqliteStore } from '../src/store/sqlite/index.ts';
import type { DecisionStore } from '../src/store/store.ts';
import { startTestCluster } from '../test/support/postgres-cluster.ts';
import { makeDecision } from '../test/store/fixtures/decision.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '50000' }, batch: { type: 'string', default: '256' } } });
const rows = Number(values.rows);
const batchSize = Number(values.batch);

async function measure(name: string, store: DecisionStore): Promise<void> {
  const prefix = `bench-${Date.now()}-`;
  const started = performance.now();
  for (let i = 0; i < rows; i++) store.log(makeDecision({ id: `${prefix}${i}`, createdAt: i }));
  const queued = performance.now();
  await store.flush();
  const flushed = performance.now();
  const stats = store.stats();
  const perRowUs = ((queued - started) * 1000) / rows;
  const rate = Math.round(rows / ((flushed - queued) / 1000));
  console.log(`${name.padEnd(8)} log() ${perRowUs.toFixed(2)} us/row; flush of ${rows} rows ${(flushed - queued).toFixed(0)} ms (${rate} rows/s); dropped ${stats.droppedRows}, write failures ${stats.writeFailures}`);
}

const dir = mkdtempSync(join(tmpdir(), 'triage-bench-store-'));
const given = process.env['TRIAGE_DATABASE_URL'];
const cluster = given ? undefined : await startTestCluster();
try {
  console.log(`rows ${rows}, batch ${batchSize}; postgres: ${given ? 'TRIAGE_DATABASE_URL' : 'throw-away local cluster (fsync off)'}`);
  const sqlite = openSqliteStore(join(dir, 'bench.db'), { batchSize });
  await measure('sqlite', sqlite);
  await sqlite.close();
  const postgres = await openPostgresStore(given ?? cluster?.url ?? '', { batchSize });
  await measure('postgres', postgres);
  await postgres.pool.query("DELETE FROM decisions WHERE id LIKE 'bench-%'");
  await postgres.close();
} finally {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
}
