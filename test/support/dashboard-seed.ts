// Test helper for the dashboard: a config with known prices (a plain router, one with a strong-share
// target, one with a monthly budget) and a real SQLite decision log seeded with reproducible rows
// over the last days (scored, forced by mode, pass-through, tagged, a few upstream errors) and
// outcomes from two sources. Rows are priced with routing/cost.ts from their logged tokens.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../src/eval/prng.ts';
import { costUsd } from '../../src/routing/cost.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import type { DecisionRecord } from '../../src/store/store.ts';
import { makeRecord } from '../../src/training/data/format.ts';
import { formatRecords } from '../../src/training/data/jsonl.ts';
import { makeDecision } from '../store/fixtures/decision.ts';

const prices = { strong: { input: 2, output: 8, cachedInput: 0.5 }, weak: { input: 0.1, output: 0.2 } };

export const dashboardConfigRaw = {
  providers: { up: { baseUrl: 'http://127.0.0.1:9/v1' }, other: { baseUrl: 'http://127.0.0.1:9/v1' } },
  models: {
    strong: { provider: 'up', id: 'strong-1', pricePerMTok: prices.strong },
    weak: { provider: 'other', id: 'weak-1', pricePerMTok: prices.weak },
  },
  routers: {
    default: { strong: 'strong', weak: 'weak', scorer: 'random', seed: 3, threshold: 0.5 },
    shared: { strong: 'strong', weak: 'weak', scorer: 'random', seed: 3, threshold: 0.5, target: { strongShare: 0.3 } },
    capped: { strong: 'strong', weak: 'weak', scorer: 'random', seed: 3, threshold: 0.5, target: { budgetUsd: 50, period: 'month' } },
  },
  defaultRouter: 'default',
};

const DAY = 86_400_000;

export function dashboardRows(count: number, nowMs: number, seed = 11): DecisionRecord[] {
  const random = seededRandom(seed);
  const rows: DecisionRecord[] = [];
  for (let i = 0; i < count; i++) {
    const router = (['default', 'default', 'default', 'shared', 'capped', null] as const)[Math.floor(random() * 6)] ?? null;
    const forced = router !== null && random() < 0.1;
    const score = router === null || forced ? null : random();
    const tier = router === null ? null : forced ? 'strong' : (score as number) >= 0.5 ? 'strong' : 'weak';
    const usage = { promptTokens: 50 + Math.floor(random() * 2000), completionTokens: Math.floor(random() * 600), cachedTokens: 0 };
    const alias = tier === 'weak' ? 'weak' : 'strong';
    const failed = random() < 0.04;
    rows.push(makeDecision({
      id: `seed-${i}`,
      // Between 1 hour and 6 days back: inside every "7d" window, whatever the clock does meanwhile.
      createdAt: nowMs - 3_600_000 - Math.floor(random() * 5 * DAY),
      kind: 'chat', router, scorer: router ? 'random' : null,
      tags: { feature: (['chat', 'search', 'code'] as const)[i % 3] ?? 'chat' },
      mode: forced ? 'plan' : null, taskType: null, promptHash: `h${i}`, promptText: `secret prompt ${i}`,
      score, threshold: router ? 0.5 : null, tier,
      reason: router === null ? 'passthrough' : forced ? 'mode:plan' : tier === 'strong' ? 'score>=threshold' : 'score<threshold',
      modelAlias: alias, modelId: `${alias}-1`, provider: alias === 'strong' ? 'up' : 'other',
      fallbackUsed: false, stream: false, status: failed ? 502 : 200, error: failed ? 'upstream 502' : null,
      ...usage, costUsd: failed ? 0 : costUsd(usage, prices[alias]), decisionMs: 0.2 + random() * 3,
      latencyMs: 100 + Math.floor(random() * 900), ttfbMs: 20 + Math.floor(random() * 200), keyId: null, calibrationId: null, features: null,
    }));
  }
  return rows;
}

/**
 * A labelled file in the normalised format: prompts graded for a strong and a weak model, the
 * strong one better on most (so quality retained grows with the strong share).
 */
export function writeLabels(path: string, count = 120, seed = 5): void {
  const random = seededRandom(seed);
  const records = Array.from({ length: count }, (_, i) => {
    const strong = 0.6 + random() * 0.4;
    return makeRecord({ id: `l${i}`, prompt: `labelled prompt number ${i}`, scores: { 'big-model': strong, 'small-model': strong * random() }, source: 'seed', split: 'test' });
  });
  writeFileSync(path, formatRecords(records));
}

/** Writes config.json (with dashboard.labels), labels.jsonl and triage.db under `dir`; returns their paths. */
export async function seedDashboard(dir: string, nowMs: number, count = 600): Promise<{ configPath: string; dbPath: string; labelsPath: string; rows: DecisionRecord[] }> {
  const configPath = join(dir, 'config.json');
  const dbPath = join(dir, 'triage.db');
  const labelsPath = join(dir, 'labels.jsonl');
  writeLabels(labelsPath);
  writeFileSync(configPath, JSON.stringify({ ...dashboardConfigRaw, dashboard: { labels: { path: labelsPath } } }));
  const store = openSqliteStore(dbPath);
  const rows = dashboardRows(count, nowMs);
  for (const row of rows) store.log(row);
  for (const [i, row] of rows.slice(0, 80).entries()) {
    await store.recordOutcome({ decisionId: row.id, createdAt: row.createdAt + 1000, source: i % 2 === 0 ? 'feedback' : 'judge', rating: (i % 5) / 4, label: null });
  }
  // Twelve shadow-judge verdicts (8 weak_ok, 4 strong_needed) and two retrain-gate verdicts.
  for (const [i, row] of rows.slice(0, 12).entries()) {
    await store.saveShadowLabel({
      decisionId: row.id, ts: row.createdAt + 2000, router: 'default', promptHash: null, servedTier: 'weak', strongModel: 'strong-id', weakModel: 'weak-id', judgeModel: 'judge-id',
      verdictStrongFirst: i % 3 === 0 ? 'A' : 'B', verdictWeakFirst: i % 3 === 0 ? 'B' : 'A', label: i % 3 === 0 ? 'strong_needed' : 'weak_ok', costUsd: 0.0004,
      shadowTokensIn: 100, shadowTokensOut: 50, judgeTokensIn: 400, judgeTokensOut: 10, error: null,
    });
  }
  for (const [version, status] of [[6, 'rejected'], [7, 'promoted']] as const) {
    await store.saveModelVersion({
      id: `default@${version}`, line: 'default', version, dir: join(dir, `default-v${version}`), createdAt: nowMs - (8 - version) * 3_600_000,
      status, reason: status === 'promoted' ? 'not worse on own traffic' : 'worse on own traffic', report: null, activatedAt: null, rolledBackAt: null,
    });
  }
  await store.close();
  return { configPath, dbPath, labelsPath, rows };
}
