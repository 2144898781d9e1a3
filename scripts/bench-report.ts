// `npm run bench:report`: how long the usage report (the one GROUP BY behind `triage report`) takes
// on a large SQLite decision log. Seeds N synthetic rows (default 1,000,000) into a temporary file,
// then times the report per model, per tag, per day, and per model over the last 7 days. Prints a table.
//
//   node --import tsx scripts/bench-report.ts [--rows 1000000] [--repeat 3] [--keep FILE]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '../src/config/load.ts';
import { builtInConfig } from '../src/config/defaults.ts';
import { seededRandom } from '../src/eval/prng.ts';
import { parseGroupBy } from '../src/routing/usage-query.ts';
import { usageReport } from '../src/routing/usage-report.ts';
import { openSqliteStore } from '../src/store/sqlite/index.ts';
import type { DecisionRecord } from '../src/store/store.ts';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, repeat: { type: 'string', default: '3' }, keep: { type: 'string' } },
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
    id: `bench-${i}`, createdAt: now - Math.floor(random() * 30 * DAY), kind: random() < 0.05 ? 'route' : 'chat',
    router: 'default', scorer: 'learned:default', tags: { feature: `f${Math.floor(random() * 40)}`, user: `u${Math.floor(random() * 5000)}` },
    mode: null, taskType: ['math', 'coding', 'chat'][Math.floor(random() * 3)] ?? null, promptHash: `h${i}`, promptText: null,
    score: random(), threshold: 0.5, tier: strong ? 'strong' : 'weak', reason: random() < 0.01 ? 'rejected' : 'score',
    modelAlias: strong ? 'strong' : 'weak', modelId: strong ? 'gpt-5' : 'gpt-5-mini', provider: 'openai', fallbackUsed: false,
    stream: false, status: 200, error: null, promptTokens: prompt, completionTokens: completion, cachedTokens: 0,
    costUsd: strong ? (prompt * 1.25 + completion * 10) / 1e6 : (prompt * 0.25 + completion * 2) / 1e6,
    decisionMs: 1, latencyMs: 100, ttfbMs: 50,
  };
}

const seedStart = performance.now();
const store = openSqliteStore(path, { batchSize: 5000, maxQueue: 20_000 });
const random = seededRandom(1);
for (let i = 0; i < rowCount; i += 1) {
  store.log(row(i, random));
  if (i % 10_000 === 9_999) await store.flush();
}
await store.flush();
const seedSeconds = (performance.now() - seedStart) / 1000;

const cases: Array<[string, string, { since?: number }]> = [
  ['per model', 'model', {}],
  ['per tag (40 values)', 'tag:feature', {}],
  ['per tag (5,000 values, top 50)', 'tag:user', {}],
  ['per UTC day', 'day', {}],
  ['per model, last 7 days', 'model', { since: now - 7 * DAY }],
];
const lines = [`rows: ${rowCount}, seeded in ${seedSeconds.toFixed(1)} s; median of ${repeat} runs`, ''];
lines.push(`${'report'.padEnd(32)}  ${'ms'.padStart(8)}  upstream calls`);
for (const [label, by, query] of cases) {
  const times: number[] = [];
  let requests = 0;
  for (let r = 0; r < repeat; r += 1) {
    const start = performance.now();
    const report = await usageReport(store, config, { groupBy: parseGroupBy(by), query, top: 50 });
    times.push(performance.now() - start);
    requests = report.upstream.requests;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] ?? 0;
  lines.push(`${label.padEnd(32)}  ${median.toFixed(0).padStart(8)}  ${requests}`);
}
await store.close();
if (!values.keep) rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${lines.join('\n')}\n`);
