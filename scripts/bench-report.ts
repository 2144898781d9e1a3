// `npm run bench:report`: how long the usage report (the one GROUP BY behind `triage report`) takes
// on a large SQLite decision log. Seeds N synthetic rows (default 1,000,000, 30 days, in time order
// as the gateway appends them) into a temporary file, then times the report per model, per tag,
// per day, and per model over the last 7 days. Prints wall and CPU milliseconds (CPU time is what
// to compare on a busy machine).
//
//   node --import tsx scripts/bench-report.ts [--rows 1000000] [--repeat 3] [--keep FILE] [--reuse]

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { parseConfig } from '../src/config/load.ts';
import { builtInConfig } from '../src/config/defaults.ts';
import { seededRandom } from '../src/eval/prng.ts';
import { parseGroupBy } from '../src/routing/usage-query.ts';
import { usageReport } from '../src/routing/usage-report.ts';
import { openSqliteStore } from '../src/store/sqlite/index.ts';
import { insertDecisionSql } from '../src/store/sqlite/queries.ts';
import { encodeDecision } from '../src/store/sqlite/rows.ts';
import type { DecisionRecord } from '../src/store/store.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    repeat: { type: 'string', default: '3' },
    keep: { type: 'string' },
    reuse: { type: 'boolean' },
  },
});
const rowCount = Number(values.rows);
const repeat = Math.max(1, Number(values.repeat));
const dir = mkdtempSync(join(tmpdir(), 'triage-bench-report-'));
const path = values.keep ?? join(dir, 'log.db');
const config = parseConfig(builtInConfig({}), 'built-in default');
const DAY = 86_400_000;
const now = Date.now();

function row(i: number, random: () => number): DecisionRecord {
  const strong = random() < 0.3;
  const prompt = 1 + Math.floor(random() * 4000);
  const completion = Math.floor(random() * 600);
  return {
    id: `bench-${i}`, createdAt: now - 30 * DAY + Math.floor((i / rowCount) * 30 * DAY), kind: random() < 0.05 ? 'route' : 'chat',
    router: 'default', scorer: 'learned:default', tags: { feature: `f${Math.floor(random() * 40)}`, user: `u${Math.floor(random() * 5000)}` },
    mode: null, taskType: ['math', 'coding', 'chat'][Math.floor(random() * 3)] ?? null, promptHash: `h${i}`, promptText: null,
    score: random(), threshold: 0.5, tier: strong ? 'strong' : 'weak', reason: random() < 0.01 ? 'rejected' : 'score',
    modelAlias: strong ? 'strong' : 'weak', modelId: strong ? 'gpt-5' : 'gpt-5-mini', provider: 'openai', fallbackUsed: false,
    stream: false, status: 200, error: null, promptTokens: prompt, completionTokens: completion, cachedTokens: 0,
    costUsd: strong ? (prompt * 1.25 + completion * 10) / 1e6 : (prompt * 0.25 + completion * 2) / 1e6,
    decisionMs: 1, latencyMs: 100, ttfbMs: 50, keyId: null,
  };
}

const seedStart = performance.now();
if (!(values.reuse && existsSync(path))) {
  await openSqliteStore(path).close(); // creates the schema
  // Seeded straight through one connection, in large transactions: the bench times reads, not log().
  const db = new Database(path);
  const insert = db.prepare(insertDecisionSql);
  const insertMany = db.transaction((from: number, to: number, random: () => number) => {
    for (let i = from; i < to; i += 1) insert.run(encodeDecision(row(i, random)));
  });
  const random = seededRandom(1);
  for (let from = 0; from < rowCount; from += 50_000) insertMany(from, Math.min(rowCount, from + 50_000), random);
  db.close();
}
const seedSeconds = (performance.now() - seedStart) / 1000;
const store = openSqliteStore(path);

const cases: Array<[string, string, { since?: number }]> = [
  ['per model', 'model', {}],
  ['per tag (40 values)', 'tag:feature', {}],
  ['per tag (5,000 values, top 50)', 'tag:user', {}],
  ['per UTC day', 'day', {}],
  ['per model, last 7 days', 'model', { since: now - 7 * DAY }],
];
const lines = [`rows: ${rowCount}, seeded in ${seedSeconds.toFixed(1)} s; median of ${repeat} runs`, ''];
lines.push(`${'report'.padEnd(32)}  ${'wall ms'.padStart(8)}  ${'cpu ms'.padStart(8)}  upstream calls`);
const median = (list: number[]): number => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? 0;
for (const [label, by, query] of cases) {
  const wall: number[] = [];
  const cpu: number[] = [];
  let requests = 0;
  for (let r = 0; r < repeat; r += 1) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const report = await usageReport(store, config, { groupBy: parseGroupBy(by), query, top: 50 });
    const used = process.cpuUsage(cpuStart);
    wall.push(performance.now() - start);
    cpu.push((used.user + used.system) / 1000);
    requests = report.upstream.requests;
  }
  lines.push(`${label.padEnd(32)}  ${median(wall).toFixed(0).padStart(8)}  ${median(cpu).toFixed(0).padStart(8)}  ${requests}`);
}
await store.close();
if (!values.keep) rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${lines.join('\n')}\n`);
