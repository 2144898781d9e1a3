// `triage calibrate`, `triage replay` and `triage targets` as real processes on a real SQLite
// log: a budget calibration on logged traffic, the no-traffic message, replay's table, target
// adherence, replay's quality figures from logged feedback, and --db / TRIAGE_DB handling.

import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/eval/prng.ts';
import { costUsd } from '../../src/routing/cost.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { makeDecision } from '../store/fixtures/decision.ts';
import { BIN } from '../support/spawn-gateway.ts';
import { suiteTempDir } from '../support/temp-dir.ts';

const run = promisify(execFile);
const triage = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env } });

describe('triage calibrate / replay / targets', () => {
  const dir = suiteTempDir('triage-calibrate-cli-');

  /** Logs 300 scored chat requests a minute apart; returns their strong share. */
  async function logTraffic(db: string, router: string): Promise<number> {
    let strong = 0;
    const store = openSqliteStore(db);
    const random = seededRandom(4);
    const now = Date.now();
    const price = { strong: { input: 2, output: 8 }, weak: { input: 0.1, output: 0.2 } };
    for (let i = 0; i < 300; i++) {
      const score = random();
      const tier = score >= 0.5 ? 'strong' : 'weak';
      if (tier === 'strong') strong++;
      const usage = { promptTokens: 1000, completionTokens: 500, cachedTokens: 0 };
      store.log(makeDecision({
        id: `r${i}`, router, createdAt: now - i * 60_000, kind: 'chat', mode: null, score, threshold: 0.5, tier, modelAlias: tier,
        reason: tier === 'strong' ? 'score>=threshold' : 'score<threshold', ...usage, costUsd: costUsd(usage, price[tier]), status: 200,
        calibrationId: null, features: null,
      }));
    }
    await store.close();
    return strong / 300;
  }

  function config(file: string, target = ''): void {
    writeFileSync(
      file,
      `providers: { up: { baseUrl: "http://127.0.0.1:9" } }
models:
  strong: { provider: up, id: s, pricePerMTok: { input: 2, output: 8 } }
  weak:   { provider: up, id: w, pricePerMTok: { input: 0.1, output: 0.2 } }
routers:
  default: { strong: strong, weak: weak, scorer: random, threshold: 0.5${target} }
`,
    );
  }

  it('fits a budget on logged traffic and stores it; replay and targets read the same log', async () => {
    const db = join(dir.path, 'log.db');
    const file = join(dir.path, 'triage.config.yaml');
    config(file, ', target: { strongShare: 0.3 }');
    const share = await logTraffic(db, 'default');
    // 300 requests over 5 hours: all-strong costs 300 * $0.006 = $1.80, i.e. $8.64 per day.
    const svg = join(dir.path, 'curve.svg');
    const out = JSON.parse((await triage(['calibrate', '--budget', '4/day', '--window', '300', '--db', db, '--config', file, '--svg', svg, '--json'])).stdout);
    expect(out.calibration.target).toEqual({ kind: 'budget', budgetUsd: 4, period: 'day' });
    expect(out.calibration.projectedCostUsd).toBeLessThanOrEqual(4);
    expect(out.calibration.projectedCostUsd).toBeGreaterThan(3.5);
    expect(out.calibration.allStrongCostUsd).toBeGreaterThan(8);
    expect(out.saved).toBe(true);
    expect(existsSync(svg)).toBe(true);
    const listed = JSON.parse((await triage(['calibrate', '--list', '--json'], { TRIAGE_DB: db })).stdout);
    expect(listed.map((c: { id: string }) => c.id)).toEqual([out.calibration.id]);

    const replay = (await triage(['replay', '--since', '300', '--threshold', '0.7', '--db', db, '--config', file])).stdout;
    expect(replay).toMatch(/actual \(as logged\)\s+300/);
    expect(replay).toMatch(/saving against all-strong/);
    const targets = JSON.parse((await triage(['targets', '--json', '--db', db, '--config', file])).stdout);
    expect(targets[0]).toMatchObject({ router: 'default', target: 'strongShare 0.3', requests: 300, targetShare: 0.3 });
    expect(targets[0].liveShare).toBeCloseTo(share, 12);
  }, 120_000);

  it('says when there is no traffic, and commands reading the log refuse a missing file', async () => {
    const db = join(dir.path, 'empty.db');
    const file = join(dir.path, 'empty.yaml');
    config(file);
    await expect(triage(['calibrate', '--strong-share', '0.3', '--db', db, '--config', file])).rejects.toThrow(/no scored traffic for router "default".*--labels FILE/);
    await expect(triage(['calibrate', '--quality', '0.9', '--db', db, '--config', file])).rejects.toThrow(/needs at least 50 labelled requests for router "default".*found 0 labelled.*--labels FILE/);
    await expect(triage(['calibrate', '--budget', '5/year', '--db', db, '--config', file])).rejects.toThrow(/--budget must look like 500\/month/);
    const missing = join(dir.path, 'missing.db');
    await expect(triage(['replay', '--threshold', '0.5', '--db', missing, '--config', file])).rejects.toThrow(/no decision log/);
    await expect(triage(['targets', '--config', file], { TRIAGE_DB: missing })).rejects.toThrow(/no decision log/);
    await expect(triage(['calibrate', '--rollback', '--db', db, '--config', file])).rejects.toThrow(/no active calibration/);
  }, 120_000);

  it('replay shows quality retained from logged feedback in the table, --json and the SVG; calibrate fits on it', async () => {
    const db = join(dir.path, 'fb.db');
    const file = join(dir.path, 'fb.yaml');
    config(file);
    await logTraffic(db, 'default');
    const store = openSqliteStore(db);
    for (const row of await store.decisions({ router: 'default' })) {
      const hard = (row.score as number) > 0.6;
      if (row.tier === 'weak') await store.recordOutcome({ decisionId: row.id, createdAt: Date.now(), source: 'user', rating: hard ? 0 : 1, label: null });
      else await store.recordOutcome({ decisionId: row.id, createdAt: Date.now(), source: 'app', rating: null, label: hard ? 'strong_needed' : 'weak_ok' });
    }
    await store.close();
    const svg = join(dir.path, 'replay.svg');
    const json = JSON.parse((await triage(['replay', '--since', '300', '--threshold', '0.7', '--db', db, '--config', file, '--json', '--svg', svg])).stdout);
    // Threshold 0.7 sends every "hard" prompt (above 0.6) between 0.6 and 0.7 weak: exactly those are lost.
    expect(json.quality.source).toBe('log');
    expect(json.quality.samples).toBe(300);
    expect(json.quality.projected.retained).toBeLessThan(1);
    expect(json.quality.actual.retained).toBe(1);
    expect(json.quality.projected.low).toBeLessThanOrEqual(json.quality.projected.retained);
    expect(readFileSync(svg, 'utf8')).toContain('class="quality"');
    const table = (await triage(['replay', '--since', '300', '--threshold', '0.7', '--db', db, '--config', file])).stdout;
    expect(table).toMatch(/quality retained \[95%\]/);
    expect(table).toMatch(/actual \(as logged\)\s+300\s+\S+\s+\S+\s+100\.0%/);
    expect(table).toMatch(/quality: of strong vs weak, on 300 logged requests with feedback labels; PGR replay/);

    // The same feedback calibrates a quality target without a labelled file.
    const fitted = (await triage(['calibrate', '--quality', '0.9', '--window', '300', '--db', db, '--config', file, '--dry-run', '--svg', '-'])).stdout;
    expect(fitted).toMatch(/fitted on\s+300 labelled logged requests \(300\)/);
    expect(fitted).toMatch(/quality retained\s+(9\d|100)\.\d% \[95% [\d.]+%, [\d.]+%\] of strong; PGR [\d.]+ vs weak/);
    expect(fitted).toMatch(/labels\s+300 logged requests with feedback \(\d+ strong needed, \d+ weak enough\)/);
  }, 120_000);
});
