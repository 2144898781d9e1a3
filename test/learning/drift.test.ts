// Drift: PSI and KS against a score snapshot on distributions whose answer is known (same
// distribution, a small shift, a large shift), the stated verdict rule, the snapshot a calibration
// now records, and `triage drift` on a real SQLite log (the TypeScript sources, TRIAGE_SOURCE=1).

import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { seededRandom, type Random } from '../../src/eval/prng.ts';
import { driftReport, driftVerdict } from '../../src/learning/drift/check.ts';
import { ks, psi, scoreSnapshot, snapshotCdf } from '../../src/learning/drift/stats.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { makeCalibration } from '../store/learning-store.conformance.ts';
import { BIN } from '../support/spawn-gateway.ts';
import { suiteTempDir } from '../support/temp-dir.ts';
import { reportConfigRaw, usageRecord } from '../support/usage-rows.ts';

const exec = promisify(execFile);
const dir = suiteTempDir('triage-drift-');

/** Scores of a Beta(2, 3)-like shape (the sum of uniforms, squashed), shifted by `shift` and clipped. */
function scores(n: number, random: Random, shift = 0): number[] {
  return Array.from({ length: n }, () => Math.min(1, Math.max(0, (random() + random() + random()) / 3 + shift)));
}

describe('drift statistics', () => {
  const snapshot = scoreSnapshot(scores(5000, seededRandom(1)))!;

  it('summarises scores as 101 ascending quantiles whose CDF reads back the levels', () => {
    expect(snapshot.quantiles).toHaveLength(101);
    expect([...snapshot.quantiles].sort((a, b) => a - b)).toEqual(snapshot.quantiles);
    expect(snapshotCdf(snapshot, snapshot.quantiles[50]!)).toBeCloseTo(0.5, 2);
    expect(snapshotCdf(snapshot, -1)).toBe(0);
    expect(snapshotCdf(snapshot, 2)).toBe(1);
    expect(scoreSnapshot([])).toBeNull();
  });

  it('finds no drift in a fresh sample of the same distribution', () => {
    const live = scores(2000, seededRandom(2));
    expect(psi(live, snapshot)).toBeLessThan(0.02);
    const test = ks(live, snapshot);
    expect(test.d).toBeLessThan(0.05);
    expect(test.pValue).toBeGreaterThan(0.01);
    expect(driftVerdict(live.length, psi(live, snapshot), test)).toBe('stable');
  });

  it('asks to recalibrate on a small shift and to retrain on a large one', () => {
    const small = scores(2000, seededRandom(3), 0.06);
    const large = scores(2000, seededRandom(4), 0.2);
    const psiSmall = psi(small, snapshot);
    const psiLarge = psi(large, snapshot);
    expect(psiSmall).toBeGreaterThan(0.1);
    expect(psiSmall).toBeLessThan(0.25);
    expect(psiLarge).toBeGreaterThan(0.25);
    expect(ks(small, snapshot).pValue).toBeLessThan(0.01);
    expect(driftVerdict(small.length, psiSmall, ks(small, snapshot))).toBe('recalibrate');
    expect(driftVerdict(large.length, psiLarge, ks(large, snapshot))).toBe('retrain');
  });

  it('gives the known KS gap for a point mass at the median of a uniform snapshot, and says when traffic is too thin', () => {
    const uniform = { samples: 1000, quantiles: Array.from({ length: 101 }, (_, i) => i / 100) };
    expect(ks([0.5, 0.5, 0.5], uniform).d).toBeCloseTo(0.5, 10);
    expect(driftVerdict(50, 1, { d: 1, pValue: 0 })).toBe('not-enough-traffic');
  });
});

describe('driftReport and triage drift on a real log', () => {
  it('compares the window with the active calibration and prints the verdict and advice', { timeout: 120_000 }, async () => {
    const db = join(dir.path, 'drift.db');
    const store = openSqliteStore(db);
    const random = seededRandom(9);
    await store.saveCalibration(makeCalibration({ id: 'cal-old', router: 'default', scorer: 'random', threshold: 0.6, scoreSnapshot: scoreSnapshot(scores(3000, random))! }));
    await store.saveCalibration(makeCalibration({ id: 'cal-deep', router: 'deep', scorer: 'random', threshold: 0.6, scoreSnapshot: scoreSnapshot(scores(3000, random))! }));
    const now = Date.now();
    scores(600, random, 0.2).forEach((score, i) => store.log(usageRecord({ id: `d${i}`, router: 'default', createdAt: now - 1000 + i, score, threshold: 0.6, reason: score >= 0.6 ? 'score>=threshold' : 'score<threshold' })));
    scores(600, random).forEach((score, i) => store.log(usageRecord({ id: `s${i}`, router: 'deep', createdAt: now - 1000 + i, score, threshold: 0.6, reason: score >= 0.6 ? 'score>=threshold' : 'score<threshold' })));
    const shifted = await driftReport(store, 'default', { kind: 'duration', ms: 86_400_000, spec: '1d' });
    const steady = await driftReport(store, 'deep', { kind: 'duration', ms: 86_400_000, spec: '1d' });
    await store.close();
    expect(shifted).toMatchObject({ verdict: 'retrain', liveSamples: 600, calibration: { id: 'cal-old', snapshotSamples: 3000 } });
    expect(steady.verdict).toBe('stable');

    const config = join(dir.path, 'config.json');
    writeFileSync(config, JSON.stringify(reportConfigRaw));
    const env = { ...process.env, TRIAGE_SOURCE: '1' };
    const text = await exec(process.execPath, [BIN, 'drift', '--db', db, '--config', config, '--window', '1d'], { env });
    expect(text.stdout).toMatch(/router default \(window 1d\): retrain/);
    expect(text.stdout).toMatch(/router deep \(window 1d\): stable/);
    expect(text.stdout).toContain('triage retrain');
    const json = await exec(process.execPath, [BIN, 'drift', '--db', db, '--config', config, '--router', 'default', '--json'], { env });
    const parsed = JSON.parse(json.stdout) as Array<{ psi: number; verdict: string }>;
    expect(parsed).toHaveLength(1);
    expect(parsed[0]?.psi).toBeCloseTo(shifted.psi ?? Number.NaN, 10);
    await expect(exec(process.execPath, [BIN, 'drift', '--db', db, '--config', config, '--window', 'soon'], { env })).rejects.toMatchObject({ code: 2 });
  });

  it('says there is no snapshot to compare with when the router was never calibrated', async () => {
    const store = openSqliteStore(':memory:');
    const report = await driftReport(store, 'default', { kind: 'duration', ms: 86_400_000, spec: '1d' });
    await store.close();
    expect(report).toMatchObject({ verdict: 'no-snapshot', calibration: null });
    expect(report.advice).toContain('triage calibrate --router default');
  });
});
