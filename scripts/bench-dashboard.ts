// `npm run bench:dashboard`: how long each dashboard API answer takes on a seeded SQLite decision
// log (default 50,000 rows over 5 days, the dashboard test's seed). Starts the real gateway on
// 127.0.0.1 in this process, calls each endpoint `--repeat` times after one warm-up call, and
// prints the median wall and CPU milliseconds (CPU time is what to compare on a busy machine).
//
//   node --import tsx scripts/bench-dashboard.ts [--rows 50000] [--repeat 3]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../src/config/logger.ts';
import { parseConfig } from '../src/config/load.ts';
import { startGateway } from '../src/server/start.ts';
import { openSqliteStore } from '../src/store/sqlite/index.ts';
import { dashboardConfigRaw, dashboardRows } from '../test/support/dashboard-seed.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '50000' }, repeat: { type: 'string', default: '3' } } });
const rows = Number(values.rows);
const repeat = Number(values.repeat);
const dir = mkdtempSync(join(tmpdir(), 'triage-bench-dash-'));
const ADMIN = 'bench-admin';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

try {
  const config = parseConfig(dashboardConfigRaw, 'bench');
  const store = openSqliteStore(join(dir, 'triage.db'), { flushIntervalMs: 50 });
  for (const row of dashboardRows(rows, Date.now())) store.log(row);
  await store.flush();
  const gateway = await startGateway({ config, env: { TRIAGE_ADMIN_KEY: ADMIN }, store, learning: store, log: createLogger('silent'), host: '127.0.0.1', port: 0 });
  const endpoints = [
    'overview?since=7d', 'overview?since=7d&by=tag:feature', 'targets?since=7d', 'curve?router=default&window=7d',
    'curve/point?router=default&window=7d&threshold=0.6', 'decisions?since=7d&tag=feature=search&limit=100', 'health?since=7d', 'labels?since=30d',
  ];
  console.log(`${rows} rows; median of ${repeat} after one warm-up call`);
  console.log('endpoint'.padEnd(56), 'wall ms'.padStart(9), 'cpu ms'.padStart(9));
  for (const endpoint of endpoints) {
    const walls: number[] = [];
    const cpus: number[] = [];
    for (let i = 0; i <= repeat; i++) {
      const cpu = process.cpuUsage();
      const start = performance.now();
      const response = await fetch(`${gateway.url}/dashboard/api/${endpoint}`, { headers: { authorization: `Bearer ${ADMIN}` } });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`${endpoint}: ${response.status}`);
      const used = process.cpuUsage(cpu);
      if (i === 0) continue;
      walls.push(performance.now() - start);
      cpus.push((used.user + used.system) / 1000);
    }
    console.log(endpoint.padEnd(56), median(walls).toFixed(1).padStart(9), median(cpus).toFixed(1).padStart(9));
  }
  await gateway.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
