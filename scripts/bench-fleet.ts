// bench:fleet — what sharing state through Postgres costs per request, side by side in one run: the
// fake upstream directly, then `triage serve` on SQLite and on Postgres with the same config, each
// request carrying a stored key with a spend limit and routed by a router with a budget target (so
// every request reserves and settles twice: the key's limit and the router's budget; on Postgres
// each is a database round trip, and the key lookup is cached for one second), and two Postgres
// instances sharing the load. Every server and the load generator run in their own processes.
// Prints req/s, p50/p99 and the latency added over the upstream. Postgres: TRIAGE_BENCH_DATABASE_URL
// (a role allowed to CREATE DATABASE), else a throw-away cluster (the test harness's). Bounded in time.
// Usage: npm run bench:fleet [-- --duration 6 --connections 1,16]

import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openPostgresStore } from '../src/store/postgres/index.ts';
import { openSqliteStore } from '../src/store/sqlite/index.ts';
import { runLoad, startServer, type ServerChild } from './bench/children.ts';
import { openBenchDatabase, type BenchDatabase } from './bench/postgres-database.ts';
import type { LoadResult } from './bench/protocol.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '6' },
    connections: { type: 'string', default: '1,16' },
    warmup: { type: 'string', default: '500' },
    'max-minutes': { type: 'string', default: '15' },
  },
});
const durationS = Number(values.duration);
const connectionCounts = values.connections.split(',').map(Number);
const warmup = Number(values.warmup);
if (![durationS, warmup, ...connectionCounts].every((n) => Number.isFinite(n) && n > 0)) throw new Error('--duration, --connections and --warmup must be positive numbers');

const work = mkdtempSync(join(tmpdir(), 'triage-bench-fleet-'));
const live = new Set<ServerChild>();
const deadline = setTimeout(() => {
  console.error(`bench:fleet: stopped after --max-minutes ${values['max-minutes']}`);
  for (const child of live) void child.stop(1000);
  setTimeout(() => process.exit(2), 3000);
}, Number(values['max-minutes']) * 60_000);

async function start(name: string, args: string[], env: Record<string, string> = {}): Promise<ServerChild> {
  const child = await startServer(name, args, env);
  live.add(child);
  return child;
}

function writeConfig(upstreamUrl: string, store: Record<string, unknown>): string {
  const file = join(work, `config-${randomBytes(4).toString('hex')}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      providers: { fake: { baseUrl: upstreamUrl } },
      models: {
        strong: { provider: 'fake', id: 'fake-strong', pricePerMTok: { input: 2, output: 8 } },
        weak: { provider: 'fake', id: 'fake-weak', pricePerMTok: { input: 0.1, output: 0.2 } },
      },
      // A budget no run can use up: every request reserves and settles, none is refused.
      routers: { default: { strong: 'strong', weak: 'weak', scorer: 'random', seed: 7, threshold: 0.5, target: { budgetUsd: 1_000_000, period: 'day', defaultMaxTokens: 64 } } },
      server: { host: '127.0.0.1' },
      store,
    }),
  );
  return file;
}

const body = JSON.stringify({ model: 'triage', max_tokens: 64, messages: [{ role: 'user', content: 'Explain the difference between a mutex and a semaphore.' }] });
const KEY_BUDGET = { usd: 1_000_000, period: 'day' as const };

interface Row {
  label: string;
  connections: number;
  result: LoadResult;
}
const rows: Row[] = [];
const problems: string[] = [];

async function measure(label: string, urls: string[], headers: Record<string, string>): Promise<void> {
  // Warm-up on every instance, then each connection count split evenly over the instances.
  for (const url of urls) await runLoad({ url, body, connections: 8, durationS, amount: warmup, progress: false, headers });
  for (const connections of connectionCounts) {
    const per = Math.max(1, Math.round(connections / urls.length));
    const results = await Promise.all(urls.map((url) => runLoad({ url, body, connections: per, durationS, progress: false, headers })));
    const merged = results.reduce((a, b) => ({
      ...a,
      completed: a.completed + b.completed,
      non2xx: a.non2xx + b.non2xx,
      errors: a.errors + b.errors,
      reqPerSec: a.reqPerSec + b.reqPerSec,
      p50: Math.max(a.p50, b.p50),
      p99: Math.max(a.p99, b.p99),
    }));
    if (merged.non2xx > 0 || merged.errors > 0) problems.push(`${label}, ${connections} connections: ${merged.non2xx} non-2xx, ${merged.errors} errors`);
    rows.push({ label, connections: per * urls.length, result: merged });
    console.log(`  ${label}, ${per * urls.length} connections: ${merged.reqPerSec.toFixed(0)} req/s, p50 ${merged.p50.toFixed(2)} ms, p99 ${merged.p99.toFixed(2)} ms`);
  }
}

console.log(`bench:fleet — node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`command: npm run bench:fleet -- --duration ${durationS} --connections ${connectionCounts.join(',')} --warmup ${warmup}`);

let database: BenchDatabase | undefined;
const upstream = await start('fake upstream', ['--import', 'tsx', 'scripts/bench/upstream.ts']);
try {
  database = await openBenchDatabase('bench_fleet');
  const databaseUrl = database.url;

  // Upstream directly: the baseline the added latency is measured against.
  console.log('\nfake upstream directly');
  await measure('upstream', [`${upstream.url}/chat/completions`], {});

  // SQLite: one file, this process's ledgers.
  const dbPath = join(work, 'sqlite.db');
  const sqlite = openSqliteStore(dbPath);
  const sqliteKey = (await sqlite.createKey({ name: 'bench', budget: KEY_BUDGET })).secret;
  await sqlite.close();
  console.log('\nTriage on SQLite (key limit + router budget, per-process ledgers)');
  const onSqlite = await start('triage sqlite', ['bin/triage.js', 'serve', '--host', '127.0.0.1', '--port', '0', '--config', writeConfig(upstream.url, { kind: 'sqlite', path: dbPath })]);
  await measure('Triage on SQLite', [`${onSqlite.url}/v1/chat/completions`], { authorization: `Bearer ${sqliteKey}` });
  live.delete(onSqlite);
  await onSqlite.stop();

  // Postgres: the fleet's ledgers, one instance, then two sharing the load.
  const store = await openPostgresStore(databaseUrl);
  const pgKey = (await store.createKey({ name: 'bench', budget: KEY_BUDGET })).secret;
  await store.close();
  const pgConfig = writeConfig(upstream.url, { kind: 'postgres', urlEnv: 'BENCH_PG_URL' });
  const env = { BENCH_PG_URL: databaseUrl };
  console.log('\nTriage on Postgres (key limit + router budget, fleet ledgers), one instance');
  const first = await start('triage postgres 1', ['bin/triage.js', 'serve', '--host', '127.0.0.1', '--port', '0', '--config', pgConfig], env);
  await measure('Triage on Postgres, 1 instance', [`${first.url}/v1/chat/completions`], { authorization: `Bearer ${pgKey}` });
  console.log('\nTriage on Postgres, two instances sharing the load (same key, same budget)');
  const second = await start('triage postgres 2', ['bin/triage.js', 'serve', '--host', '127.0.0.1', '--port', '0', '--config', pgConfig], env);
  await measure('Triage on Postgres, 2 instances', [`${first.url}/v1/chat/completions`, `${second.url}/v1/chat/completions`], { authorization: `Bearer ${pgKey}` });
  for (const child of [first, second]) {
    live.delete(child);
    await child.stop();
  }

  console.log('\n| target | connections | req/s | p50 ms | p99 ms | added p50 ms | added p99 ms |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    const base = rows.find((r) => r.label === 'upstream' && r.connections === row.connections) ?? rows.find((r) => r.label === 'upstream');
    const added = (v: number, b: number | undefined) => (row.label === 'upstream' || b === undefined ? '' : (v - b).toFixed(2));
    console.log(`| ${row.label} | ${row.connections} | ${row.result.reqPerSec.toFixed(0)} | ${row.result.p50.toFixed(2)} | ${row.result.p99.toFixed(2)} | ${added(row.result.p50, base?.result.p50)} | ${added(row.result.p99, base?.result.p99)} |`);
  }
  if (problems.length > 0) {
    console.log(`\nproblems:\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  }
} finally {
  for (const child of live) await child.stop();
  await upstream.stop().catch(() => undefined);
  await database?.stop();
  clearTimeout(deadline);
}
