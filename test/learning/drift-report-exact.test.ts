// driftReport on a real (in-memory) SQLite log with rows written by hand: which rows are compared
// (threshold-decided, from the calibration's scorer or with no scorer recorded), the live strong
// share at the calibrated threshold (a score equal to it counts as strong), the calibration fields
// reported, and the advice of every verdict, word for word.

import { describe, expect, it } from 'vitest';
import { driftReport } from '../../src/learning/drift/check.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { makeCalibration } from '../store/learning-store.conformance.ts';
import { usageRecord } from '../support/usage-rows.ts';

const DAY = { kind: 'duration', ms: 86_400_000, spec: '1d' } as const;
const uniform = { samples: 1000, quantiles: Array.from({ length: 101 }, (_, i) => i / 100) };

async function storeWith(scores: Array<{ score: number; scorer?: string | null; reason?: string }>, calibration: Partial<Parameters<typeof makeCalibration>[0]> = {}) {
  const store = openSqliteStore(':memory:');
  await store.saveCalibration(makeCalibration({ id: 'cal-a', router: 'default', createdAt: 42, scorer: 'random', threshold: 0.5, expectedShare: 0.4, scoreSnapshot: uniform, ...calibration }));
  const now = Date.now();
  scores.forEach(({ score, scorer = 'random', reason }, i) =>
    store.log(usageRecord({ id: `r${i}`, router: 'default', createdAt: now - 10_000 + i, score, scorer, threshold: 0.5, reason: reason ?? (score >= 0.5 ? 'score>=threshold' : 'score<threshold') })),
  );
  return store;
}

describe('driftReport by hand', () => {
  it('reports the calibration, the live share at its threshold, and too little traffic', async () => {
    const store = await storeWith([{ score: 0.5 }, { score: 0.2 }, { score: 0.9 }, { score: 0.1 }, { score: 0.7, scorer: 'other' }, { score: 0.3, scorer: null }, { score: 0.95, reason: 'mode:review' }]);
    const report = await driftReport(store, 'default', DAY);
    await store.close();
    expect(report).toMatchObject({
      router: 'default',
      window: '1d',
      calibration: { id: 'cal-a', createdAt: 42, threshold: 0.5, expectedShare: 0.4, scorer: 'random', snapshotSamples: 1000 },
      // 0.5, 0.2, 0.9, 0.1 and the row with no scorer; the other scorer's row is left out, the mode rule's not read.
      liveSamples: 5,
      otherScorer: 1,
      liveStrongShare: 2 / 5,
      verdict: 'not-enough-traffic',
      advice: 'fewer than 200 scored requests in the window: widen --window',
    });
    expect(report.psi).toBeGreaterThan(0);
    expect(report.ks?.d).toBeCloseTo(0.3, 12);
  });

  it('compares every scorer when the calibration recorded none', async () => {
    const store = await storeWith([{ score: 0.5 }, { score: 0.7, scorer: 'other' }], { scorer: null });
    const report = await driftReport(store, 'default', DAY);
    await store.close();
    expect(report).toMatchObject({ liveSamples: 2, otherScorer: 0, liveStrongShare: 1 });
  });

  it('gives null statistics when no live score is comparable', async () => {
    const store = await storeWith([{ score: 0.7, scorer: 'other' }]);
    const report = await driftReport(store, 'default', DAY);
    await store.close();
    expect(report).toMatchObject({ liveSamples: 0, otherScorer: 1, liveStrongShare: null, psi: null, ks: null, verdict: 'not-enough-traffic' });
  });

  it('advises by verdict: stable, recalibrate, retrain', async () => {
    const even = Array.from({ length: 400 }, (_, i) => ({ score: (i + 0.5) / 400 }));
    const stable = await storeWith(even);
    const steady = await driftReport(stable, 'default', DAY);
    await stable.close();
    expect(steady).toMatchObject({ verdict: 'stable', advice: 'scores look like those the threshold was fitted on; nothing to do', liveSamples: 400, liveStrongShare: 0.5 });

    // Evenly spread scores raised to the power 1.5: pushed towards 0 (PSI about 0.14).
    const squeezed = await storeWith(Array.from({ length: 400 }, (_, i) => ({ score: ((i + 0.5) / 400) ** 1.5 })));
    const shifted = await driftReport(squeezed, 'default', DAY);
    await squeezed.close();
    expect(shifted.psi).toBeGreaterThanOrEqual(0.1);
    expect(shifted.psi).toBeLessThan(0.25);
    expect(shifted).toMatchObject({ verdict: 'recalibrate', advice: 'scores have shifted: refit the threshold (triage calibrate --router default ...)' });

    const high = await storeWith(Array.from({ length: 400 }, (_, i) => ({ score: 0.6 + (0.4 * (i + 0.5)) / 400 })));
    const moved = await driftReport(high, 'default', DAY);
    await high.close();
    expect(moved).toMatchObject({
      verdict: 'retrain',
      liveStrongShare: 1,
      advice: 'scores have shifted a lot: retrain the scorer on recent labels (triage retrain), then recalibrate (triage calibrate --router default ...)',
    });
  });

  it('says there is nothing to compare with when the active calibration has no snapshot', async () => {
    const store = await storeWith([{ score: 0.5 }], { scoreSnapshot: undefined });
    const report = await driftReport(store, 'default', DAY);
    await store.close();
    expect(report).toEqual({
      router: 'default', window: '1d', calibration: null, liveSamples: 1, otherScorer: 0, liveStrongShare: null, psi: null, ks: null,
      verdict: 'no-snapshot', advice: 'no active calibration with a score snapshot: calibrate once to record one (triage calibrate --router default ...)',
    });
  });

  it('reads the active calibration of the router asked about, and none when it has none', async () => {
    const store = await storeWith([{ score: 0.5 }]);
    await store.saveCalibration(makeCalibration({ id: 'cal-deep', router: 'deep', createdAt: 99, scorer: 'random', threshold: 0.3, scoreSnapshot: uniform }));
    const report = await driftReport(store, 'default', DAY);
    const never = await driftReport(store, 'quiet', DAY);
    await store.close();
    expect(report.calibration).toMatchObject({ id: 'cal-a', threshold: 0.5 });
    expect(never).toMatchObject({ router: 'quiet', calibration: null, verdict: 'no-snapshot', liveSamples: 0 });
  });
});
