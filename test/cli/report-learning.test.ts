// `triage report` and the learning loop: shadow-judging spend on its own line (and under `shadow`
// in the JSON), and --own-curve's inverse-propensity estimate equal to the estimator run directly
// on the seeded rows and outcomes. Real SQLite file, the CLI from the TypeScript sources.

import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, expect, it } from 'vitest';
import { seededRandom } from '../../src/eval/prng.ts';
import { ipsMean, type LoggedRow } from '../../src/learning/explore/ips.ts';
import { explore } from '../../src/routing/explore.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { makeShadowLabel } from '../store/learning-store.conformance.ts';
import { BIN } from '../support/spawn-gateway.ts';
import { suiteTempDir } from '../support/temp-dir.ts';
import { reportConfigRaw, usageRecord } from '../support/usage-rows.ts';

const exec = promisify(execFile);
const dir = suiteTempDir('triage-report-learning-');
const env = { ...process.env, TRIAGE_SOURCE: '1' };
let db = '';
let config = '';
const logged: LoggedRow[] = [];

beforeAll(async () => {
  db = join(dir.path, 'log.db');
  const store = openSqliteStore(db);
  const now = Date.now();
  const random = seededRandom(5);
  for (let i = 0; i < 400; i++) {
    const score = random();
    const byThreshold = score >= 0.5 ? 'strong' : 'weak';
    const { tier, propensity, explored } = explore(byThreshold, score, 0.5, { rate: 0.2, band: 0.2 }, random());
    const reason = `${explored ? 'explore:' : ''}${byThreshold === 'strong' ? 'score>=threshold' : 'score<threshold'}`;
    const costUsd = tier === 'strong' ? 0.01 : 0.001;
    const id = `r${i}`;
    store.log(usageRecord({ id, createdAt: now - 60_000 + i, score, threshold: 0.5, tier, modelAlias: tier === 'strong' ? 'big' : 'small', reason, propensity, explored, costUsd }));
    // Feedback on three rows in four: a rating for the served answer.
    const reward = i % 4 === 3 ? null : random() < (tier === 'strong' ? 0.9 : 0.9 - 0.6 * score) ? 1 : 0;
    if (reward !== null) await store.recordOutcome({ decisionId: id, createdAt: now, source: 'feedback', rating: reward, label: null });
    logged.push({ score, tier, propensity: propensity ?? 1, reward, costUsd });
  }
  await store.saveShadowLabel(makeShadowLabel({ router: 'default', ts: now - 1000, costUsd: 0.125 }));
  await store.saveShadowLabel(makeShadowLabel({ router: 'default', ts: now - 500, costUsd: 0.175 }));
  await store.close();
  config = join(dir.path, 'config.json');
  const routers = { ...reportConfigRaw.routers, default: { ...reportConfigRaw.routers.default, threshold: 0.5, explore: { rate: 0.2, band: 0.2 } } };
  writeFileSync(config, JSON.stringify({ ...reportConfigRaw, routers }));
});

it('reports shadow spend on its own line and in the JSON, outside the totals', { timeout: 120_000 }, async () => {
  const [text, json] = await Promise.all([
    exec(process.execPath, [BIN, 'report', '--db', db, '--config', config], { env }),
    exec(process.execPath, [BIN, 'report', '--db', db, '--config', config, '--json'], { env }),
  ]);
  expect(text.stdout).toMatch(/^shadow judging +2 labels, cost \$0\.300000/m);
  const report = JSON.parse(json.stdout) as { shadow: { labels: number; costUsd: number }; upstream: { requests: number } };
  expect(report.shadow).toEqual({ labels: 2, costUsd: 0.3 });
  expect(report.upstream.requests).toBe(400);
});

it('--own-curve estimates the curve across the explored band, as the estimator gives on the same rows', { timeout: 120_000 }, async () => {
  const { stdout } = await exec(process.execPath, [BIN, 'report', '--db', db, '--config', config, '--own-curve', '--json'], { env });
  const curves = (JSON.parse(stdout) as { ownCurves: Array<{ router: string; rows: number; withOutcome: number; liveThreshold: number; points: Array<{ threshold: number; quality: { estimate: number; low: number; high: number }; costUsd: { estimate: number }; unsupported: number }> }> }).ownCurves;
  expect(curves).toHaveLength(1);
  const [curve] = curves;
  expect(curve).toMatchObject({ router: 'default', rows: 400, withOutcome: 300, liveThreshold: 0.5 });
  expect(curve!.points.map((p) => p.threshold)).toEqual([0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7]);
  for (const point of curve!.points) {
    expect(point.quality.estimate).toBeCloseTo(ipsMean(logged, point.threshold, (row) => row.reward), 12);
    expect(point.costUsd.estimate).toBeCloseTo(ipsMean(logged, point.threshold, (row) => row.costUsd), 12);
    expect(point.quality.low).toBeLessThanOrEqual(point.quality.estimate);
    expect(point.quality.high).toBeGreaterThanOrEqual(point.quality.estimate);
    expect(point.unsupported).toBe(0);
  }
  const text = await exec(process.execPath, [BIN, 'report', '--db', db, '--config', config, '--own-curve'], { env });
  expect(text.stdout).toContain('own-traffic curve, router default');
});
