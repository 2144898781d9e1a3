// bench:log-lock — /healthz latency while another process holds the decision log's write lock.
// Runs `triage serve` twice in one run, side by side: with the write path's busy_timeout at 0 (the
// default: a locked write fails at once and is retried later) and at 1000 ms (the old setting: the
// batch insert waits for the lock on the event loop). Each run: chat traffic so rows are queued and
// flushed, a child process holding BEGIN IMMEDIATE on the same file for --hold seconds, and /healthz
// probed every 10 ms. Prints p50/p99/max of /healthz and whether every row reached the file.
// Usage: npm run bench:log-lock [-- --hold 3 --rate 50]

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { startFakeUpstream } from '../test/support/fake-upstream.ts';
import { spawnGateway } from '../test/support/spawn-gateway.ts';

const { values } = parseArgs({ options: { hold: { type: 'string', default: '3' }, rate: { type: 'string', default: '50' } } });
const holdSeconds = Number(values.hold);
const ratePerSecond = Number(values.rate);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/** A child process that opens the file, takes the write lock, holds it, then lets go. */
function holdLock(dbPath: string, seconds: number): Promise<void> {
  const code = `const D=require('better-sqlite3');const d=new D(${JSON.stringify(dbPath)});d.exec('BEGIN IMMEDIATE');process.stdout.write('locked\\n');setTimeout(()=>{d.exec('ROLLBACK');d.close();},${seconds * 1000});`;
  const child = spawn(process.execPath, ['-e', code], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('error', reject);
  });
}

async function runOnce(busyTimeoutMs: number, upstreamUrl: string) {
  const dir = mkdtempSync(join(tmpdir(), 'triage-lock-'));
  const dbPath = join(dir, 'log.db');
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify({
    store: { busyTimeoutMs, flushIntervalMs: 100 },
    providers: { up: { baseUrl: upstreamUrl } },
    models: { strong: { provider: 'up', id: 's' }, weak: { provider: 'up', id: 'w' } },
    routers: { default: { strong: 'strong', weak: 'weak', scorer: 'random', threshold: 0.5 } },
  }));
  const gateway = await spawnGateway(['--config', configFile, '--db', dbPath]);
  let sent = 0;
  let stop = false;
  const traffic = (async () => {
    while (!stop) {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'triage', messages: [{ role: 'user', content: `q${sent}` }] }) });
      await response.arrayBuffer();
      sent++;
      await sleep(1000 / ratePerSecond);
    }
  })();
  await sleep(500);
  await holdLock(dbPath, holdSeconds);
  const probes: number[] = [];
  const until = performance.now() + holdSeconds * 1000;
  while (performance.now() < until) {
    const t0 = performance.now();
    await (await fetch(`${gateway.url}/healthz`)).arrayBuffer();
    probes.push(performance.now() - t0);
    await sleep(10);
  }
  stop = true;
  await traffic;
  await sleep(500); // the lock is gone: let the queued rows land
  await gateway.stop('SIGTERM');
  const db = new Database(dbPath, { readonly: true });
  const logged = Number((db.prepare('SELECT count(*) AS n FROM decisions').get() as { n: number }).n);
  db.close();
  rmSync(dir, { recursive: true, force: true });
  const sorted = [...probes].sort((a, b) => a - b);
  return { busyTimeoutMs, probes: probes.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN, over20: probes.filter((ms) => ms > 20).length, sent, logged };
}

const upstream = await startFakeUpstream();
try {
  const rows = [];
  for (const busy of [0, 1000]) rows.push(await runOnce(busy, upstream.url));
  console.log(`/healthz while another process holds the write lock for ${holdSeconds} s (chat traffic ${ratePerSecond}/s)`);
  console.log('| store.busyTimeoutMs | probes | p50 ms | p99 ms | max ms | probes > 20 ms | requests sent | rows logged |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.busyTimeoutMs} | ${r.probes} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.max.toFixed(2)} | ${r.over20} | ${r.sent} | ${r.logged} |`);
  }
} finally {
  await upstream.close();
}
