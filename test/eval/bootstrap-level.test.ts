// The bootstrap interval's coverage: by default it holds the central 95% of the resampled APGRs
// (the README and every results table say "95% interval"), and `level` changes exactly that.
// The resample distribution is rebuilt here from the documented procedure (same seeded generator,
// prompts drawn with replacement, metrics recomputed on the weights) to measure the coverage.

import { describe, expect, it } from 'vitest';
import { bootstrapIntervals } from '../../src/eval/bootstrap.ts';
import { rankByScore, type RankedBenchmark } from '../../src/eval/curve.ts';
import { seededRandom } from '../../src/eval/prng.ts';
import { curveMetrics } from '../../src/eval/summary.ts';

function synthetic(n: number, seed: number): RankedBenchmark {
  const next = seededRandom(seed);
  const scores: number[] = [];
  const strong = new Float64Array(n);
  const weak = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const hard = next();
    weak[i] = next() > hard ? 1 : 0;
    strong[i] = next() > hard * 0.4 ? 1 : 0;
    scores.push(hard + (next() - 0.5) * 0.6);
  }
  return rankByScore(scores, { strong, weak });
}

/** APGR of each resample, drawn as bootstrapIntervals documents it. */
function resampledApgrs(ranked: RankedBenchmark, resamples: number, seed: number): number[] {
  const random = seededRandom(seed);
  const n = ranked.scores.length;
  const values: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const weights = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const pick = Math.floor(random() * n);
      weights[pick] = (weights[pick] ?? 0) + 1;
    }
    const m = curveMetrics(ranked, { weights });
    if (Number.isFinite(m.apgr)) values.push(m.apgr);
  }
  return values;
}

const share = (values: number[], low: number, high: number) => values.filter((v) => v >= low && v <= high).length / values.length;

describe('bootstrap interval level', () => {
  const ranked = synthetic(200, 4);
  const values = resampledApgrs(ranked, 1000, 3);

  it('covers the central 95% of resamples by default', () => {
    const ci = bootstrapIntervals(ranked, { seed: 3 });
    expect(ci.used).toBe(values.length);
    const covered = share(values, ci.apgr.low, ci.apgr.high);
    expect(covered).toBeGreaterThanOrEqual(0.945);
    expect(covered).toBeLessThanOrEqual(0.956);
    // Symmetric tails: about 2.5% of resamples on each side.
    const below = values.filter((v) => v < ci.apgr.low).length / values.length;
    expect(below).toBeGreaterThanOrEqual(0.02);
    expect(below).toBeLessThanOrEqual(0.03);
    expect(ci).toEqual(bootstrapIntervals(ranked, { seed: 3, level: 0.95 }));
  });

  it('covers the central share given by `level`', () => {
    const half = bootstrapIntervals(ranked, { seed: 3, level: 0.5 });
    const covered = share(values, half.apgr.low, half.apgr.high);
    expect(covered).toBeGreaterThanOrEqual(0.495);
    expect(covered).toBeLessThanOrEqual(0.506);
    const wide = bootstrapIntervals(ranked, { seed: 3 });
    expect(half.apgr.low).toBeGreaterThan(wide.apgr.low);
    expect(half.apgr.high).toBeLessThan(wide.apgr.high);
  });
});
