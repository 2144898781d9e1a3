// bench:gateway — the gateway's cost on loopback, side by side in one run: the fake upstream directly,
// a bare node:http proxy (keep-alive agent), the same proxy with fetch, and `triage serve` with a
// pass-through model, with the learned scorer, and with the pass-through model logging to Postgres
// instead of SQLite (the database's cost side by side; TRIAGE_BENCH_DATABASE_URL, else a throw-away
// cluster; skipped with one line when neither is possible; `npm run bench:fleet` adds the per-request
// round trips of fleet-wide key limits and budgets). Every server and the load generator (autocannon)
// run in their own processes. Prints req/s, p50/p99 and the latency added over the upstream, maximum
// sustained req/s, RSS during a long soak of each Triage process, and checks that every request sent
// to Triage is a row in its decision log. Bounded in time; stops by itself.
// Usage: npm run bench:gateway [-- --duration 8 --connections 1,64 --requests 20000 --cpu-prof DIR]

import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { formatSelfTime, readCpuProfile, topSelfTime } from './bench/cpu-profile-top.ts';
import { rssMb, runLoad, startServer, type ServerChild } from './bench/children.ts';
import { writeGatewayBenchConfig } from './bench/gateway-config.ts';
import { openBenchDatabase, type BenchDatabase } from './bench/postgres-database.ts';
import type { LoadJob, LoadResult } from './bench/protocol.ts';
import {
  accountingTable,
  runsTable,
  soakTable,
  summariseSoak,
  sustainedTable,
  type Accounting,
  type RssSample,
  type RunRow,
  type SoakSummary,
} from './bench/report.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '8' },
    connections: { type: 'string', default: '1,64' },
    requests: { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '2000' },
    targets: { type: 'string' },
    'cpu-prof': { type: 'string' },
    'max-minutes': { type: 'string', default: '30' },
    /** Another checkout with dist/ built (e.g. the commit before a change): adds the target triage-before. */
    before: { type: 'string' },
  },
});
const durationS = Number(values.duration);
const connectionCounts = values.connections.split(',').map(Number);
const soakRequests = Number(values.requests);
const warmupRequests = Number(values.warmup);
const profileDir = values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof']);
const soakConnections = Math.max(...connectionCounts);
if (![durationS, soakRequests, warmupRequests, ...connectionCounts].every((n) => Number.isFinite(n) && n > 0)) {
  throw new Error('--duration, --connections, --requests and --warmup must be positive numbers');
}

const ALL = ['upstream', 'bare-http', 'bare-fetch', 'triage-before', 'triage-passthrough', 'triage-learned', 'triage-postgres'] as const;
const beforeDir = values.before === undefined ? undefined : resolve(values.before);
type TargetName = (typeof ALL)[number];
interface Target {
  label: string;
  /** The `model` the client sends. */
  model: string;
  /** Triage targets are soaked and their decision log is counted. */
  triage: boolean;
}
const TARGETS: Record<TargetName, Target> = {
  upstream: { label: 'fake upstream directly', model: 'fake-strong', triage: false },
  'bare-http': { label: 'bare proxy, node:http keep-alive agent', model: 'fake-strong', triage: false },
  'bare-fetch': { label: 'bare proxy, fetch', model: 'fake-strong', triage: false },
  'triage-before': { label: 'Triage before (--before), pass-through model', model: 'strong', triage: true },
  'triage-passthrough': { label: 'Triage, pass-through model', model: 'strong', triage: true },
  'triage-learned': { label: 'Triage, learned scorer', model: 'triage', triage: true },
  'triage-postgres': { label: 'Triage on Postgres, pass-through model', model: 'strong', triage: true },
};
const chosen = values.targets ? values.targets.split(',').map((t) => t.trim()) : ALL.filter((name) => name !== 'triage-before' || beforeDir !== undefined);
if (chosen.includes('triage-before') && beforeDir === undefined) throw new Error('target triage-before needs --before DIR');
for (const name of chosen) if (!ALL.some((known) => known === name)) throw new Error(`unknown target ${name}; known: ${ALL.join(', ')}`);
const targets = ALL.filter((name) => chosen.includes(name));

const prompt = 'Explain the difference between a mutex and a semaphore, with an example in C. '.repeat(4);
const bodyFor = (model: string): string => JSON.stringify({ model, messages: [{ role: 'user', content: prompt }] });

const work = mkdtempSync(join(tmpdir(), 'triage-bench-gw-'));
const live = new Set<ServerChild>();
const deadline = setTimeout(
  () => {
    console.error(`bench:gateway: stopped after --max-minutes ${values['max-minutes']}`);
    for (const child of live) void child.stop(1000);
    setTimeout(() => process.exit(2), 3000);
  },
  Number(values['max-minutes']) * 60_000,
);

async function start(name: string, args: string[], env: Record<string, string> = {}): Promise<ServerChild> {
  const child = await startServer(name, args, env);
  live.add(child);
  return child;
}
async function stop(child: ServerChild): Promise<number | null> {
  live.delete(child);
  return child.stop();
}

const REASON_COUNTS = 'SELECT reason, COUNT(*) AS n FROM decisions GROUP BY reason ORDER BY n DESC';

/** Rows in a decision log (a SQLite file, or a Postgres URL), and how many of them each routing reason (the part before ':') has. */
async function readLog(log: { sqlite: string } | { postgres: string }): Promise<{ rows: number; reasons: string }> {
  let counts: unknown[];
  if ('sqlite' in log) {
    const db = new Database(log.sqlite, { readonly: true });
    try {
      counts = db.prepare(REASON_COUNTS).all();
    } finally {
      db.close();
    }
  } else {
    const client = new pg.Client({ connectionString: log.postgres });
    await client.connect();
    try {
      counts = (await client.query(REASON_COUNTS)).rows;
    } finally {
      await client.end();
    }
  }
  const byReason = new Map<string, number>();
  let rows = 0;
  for (const row of counts) {
    if (typeof row !== 'object' || row === null || !('reason' in row) || !('n' in row)) continue;
    const n = Number(row.n);
    const reason = String(row.reason).split(':')[0] ?? '';
    byReason.set(reason, (byReason.get(reason) ?? 0) + n);
    rows += n;
  }
  return { rows, reasons: [...byReason].map(([reason, n]) => `${reason} ${n}`).join(', ') };
}

const runs: RunRow[] = [];
const soaks: SoakSummary[] = [];
const accounting: Accounting[] = [];
const profiles: string[] = [];
const problems: string[] = [];

function check(target: string, what: string, result: LoadResult): LoadResult {
  if (result.non2xx > 0 || result.errors > 0) problems.push(`${target} ${what}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result;
}

console.log(
  `bench:gateway — node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average at start ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(
  `command: npm run bench:gateway -- --duration ${durationS} --connections ${connectionCounts.join(',')} --requests ${soakRequests} --warmup ${warmupRequests}${values.targets ? ` --targets ${values.targets}` : ''}${profileDir ? ` --cpu-prof ${values['cpu-prof']}` : ''}${beforeDir ? ` --before ${values.before}` : ''}`,
);
if (profileDir) console.log('note: the Triage children run under --cpu-prof, so their figures are not comparable with an unprofiled run');

let database: BenchDatabase | undefined;
const upstream = await start('fake upstream', ['--import', 'tsx', 'scripts/bench/upstream.ts']);
try {
  for (const name of targets) {
    const target = TARGETS[name];
    const dbPath = join(work, `${name}.db`);
    /** The Postgres database this target logs to; undefined: its own SQLite file. */
    let pgUrl: string | undefined;
    if (name === 'triage-postgres') {
      try {
        database = await openBenchDatabase('bench_gateway');
        pgUrl = database.url;
      } catch (error) {
        console.log(`\n${target.label}: skipped, no Postgres to run on (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
        continue;
      }
    }
    let server: ServerChild | undefined;
    let url = `${upstream.url}/chat/completions`;
    let profileOut: string | undefined;
    if (name === 'bare-http' || name === 'bare-fetch') {
      const client = name === 'bare-http' ? 'http' : 'fetch';
      server = await start(name, ['--import', 'tsx', 'scripts/bench/bare-proxy.ts', '--upstream', upstream.url, '--client', client]);
      url = `${server.url}/v1/chat/completions`;
    } else if (target.triage) {
      profileOut = profileDir ? join(profileDir, name) : undefined;
      if (profileOut) mkdirSync(profileOut, { recursive: true });
      const nodeFlags = profileOut ? ['--cpu-prof', '--cpu-prof-dir', profileOut] : [];
      const bin = name === 'triage-before' && beforeDir !== undefined ? join(beforeDir, 'bin/triage.js') : 'bin/triage.js';
      const config = writeGatewayBenchConfig(work, upstream.url, 'learned', pgUrl ? { kind: 'postgres', urlEnv: 'BENCH_PG_URL' } : undefined);
      const serve = [bin, 'serve', '--host', '127.0.0.1', '--port', '0', '--config', config, ...(pgUrl ? [] : ['--db', dbPath])];
      server = await start(name, [...nodeFlags, ...serve], { LOG_LEVEL: 'info', ...(pgUrl ? { BENCH_PG_URL: pgUrl } : {}) });
      url = `${server.url}/v1/chat/completions`;
    }
    const job = (connections: number, extra: Partial<LoadJob> = {}): LoadJob => ({
      url,
      body: bodyFor(target.model),
      connections,
      durationS,
      progress: false,
      ...extra,
    });
    console.log(`\n${target.label}: warm-up (${warmupRequests} requests)`);
    let sent = 0;
    let completed = 0;
    const tally = (result: LoadResult): LoadResult => {
      sent += result.sent;
      completed += result.completed;
      return result;
    };
    tally(check(name, 'warm-up', await runLoad(job(Math.min(16, warmupRequests), { amount: warmupRequests }))));
    let profileWindow: { fromUs: number; toUs: number } | undefined;
    for (const connections of connectionCounts) {
      const result = tally(check(name, `${connections} connections`, await runLoad(job(connections))));
      if (connections === soakConnections) profileWindow = { fromUs: result.startedUs, toUs: result.endedUs };
      runs.push({ target: target.label, connections, result });
      console.log(`  ${connections} connections: ${result.reqPerSec.toFixed(0)} req/s, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms`);
    }
    if (server && target.triage) {
      const samples: RssSample[] = [];
      const pid = server.pid;
      const beforeMb = rssMb(pid);
      console.log(`  soak: ${soakRequests} requests at ${soakConnections} connections, RSS sampled every second`);
      const soak = tally(
        check(name, 'soak', await runLoad(job(soakConnections, { amount: soakRequests, progress: true }), (n) => samples.push({ completed: n, rssMb: rssMb(pid) }))),
      );
      const summary = summariseSoak(target.label, soakRequests, beforeMb, rssMb(pid), samples);
      soaks.push(summary);
      console.log(`  soak: ${soak.reqPerSec.toFixed(0)} req/s; RSS ${summary.beforeMb.toFixed(1)} -> ${summary.afterMb.toFixed(1)} MB`);
    }
    if (server) {
      const code = await stop(server);
      if (code !== 0) problems.push(`${name} exited with ${code} on SIGTERM`);
    }
    if (target.triage) {
      const { rows, reasons } = await readLog(pgUrl ? { postgres: pgUrl } : { sqlite: dbPath });
      console.log(`  decision log: ${rows} rows; reasons: ${reasons}`);
      accounting.push({ target: target.label, sent, completed, rows, reasons });
      if (rows !== sent) problems.push(`${name}: ${sent} requests sent but ${rows} rows in the decision log`);
    }
    if (profileOut && profileWindow) {
      const file = readdirSync(profileOut).find((f) => f.endsWith('.cpuprofile'));
      if (!file) {
        problems.push(`${name}: no .cpuprofile written in ${profileOut}`);
      } else {
        const profile = readCpuProfile(join(profileOut, file));
        const window = { fromMs: (profileWindow.fromUs - profile.startTime) / 1000, toMs: (profileWindow.toUs - profile.startTime) / 1000 };
        const summary = topSelfTime(profile, { top: 15, ...window });
        profiles.push(
          `### ${target.label}, ${soakConnections} connections — top self time\n` +
            `profile: ${join(profileOut, file)} (window ${window.fromMs.toFixed(0)}–${window.toMs.toFixed(0)} ms; ` +
            `node --import tsx scripts/bench/cpu-profile-top.ts FILE --from-ms ${window.fromMs.toFixed(0)} --to-ms ${window.toMs.toFixed(0)})\n\n` +
            formatSelfTime(summary),
        );
      }
    }
  }
} finally {
  for (const child of [...live]) await stop(child);
  await database?.stop();
  clearTimeout(deadline);
  rmSync(work, { recursive: true, force: true });
}

console.log(`\n## Side by side (${durationS} s per run; added = minus the upstream directly at the same connections)\n`);
console.log(runsTable(runs, TARGETS.upstream.label));
console.log('\n## Maximum sustained throughput\n');
console.log(sustainedTable(runs));
if (soaks.length > 0) {
  console.log(`\n## RSS of the Triage process during the soak\n`);
  console.log(soakTable(soaks));
}
if (accounting.length > 0) {
  console.log('\n## Decision log (rows counted in the SQLite file, or in Postgres, after SIGTERM; warm-up, runs and soak included)\n');
  console.log(accountingTable(accounting));
}
for (const profile of profiles) console.log(`\n${profile}`);
console.log(`\nload average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
if (problems.length > 0) {
  console.log(`\nPROBLEMS:\n- ${problems.join('\n- ')}`);
  process.exitCode = 1;
}
