// Drift statistics worked out by hand on small inputs: the snapshot's quantiles, its CDF between
// and at its quantiles (ties read at the highest level), PSI for live scores in known bins (edge
// values go to the upper bin, repeated edges merge, empty bins are floored at 1e-4), the KS gap
// from both sides of each step, its p-value against Kolmogorov's series, and the verdict rule at
// every threshold.

import { describe, expect, it } from 'vitest';
import { DRIFT_RULE, driftVerdict } from '../../src/learning/drift/check.ts';
import { ks, psi, scoreSnapshot, snapshotCdf } from '../../src/learning/drift/stats.ts';

/** A snapshot of a uniform [0, 1] population: quantile i is i / 100. */
const uniform = (samples: number) => ({ samples, quantiles: Array.from({ length: 101 }, (_, i) => i / 100) });

/** Kolmogorov's Q(lambda) summed directly over 100 terms (no early stop, no clamp). */
function kolmogorov(lambda: number): number {
  let sum = 0;
  for (let k = 1; k <= 100; k++) sum += 2 * (-1) ** (k - 1) * Math.exp(-2 * k * k * lambda * lambda);
  return sum;
}

/** One PSI term per bin: (actual - expected) ln(actual / expected). */
const term = (actual: number, expected: number) => (actual - expected) * Math.log(actual / expected);

describe('scoreSnapshot', () => {
  it('takes evenly spaced quantiles of the sorted scores, linear between them', () => {
    expect(scoreSnapshot([1, 0.4, 0.2, 0.8], 5)).toEqual({ samples: 4, quantiles: [0.2, 0.35000000000000003, 0.6000000000000001, 0.8500000000000001, 1] });
    // By hand: positions 0, 0.75, 1.5, 2.25, 3 over 0.2, 0.4, 0.8, 1.
    expect(scoreSnapshot([0.3], 3)).toEqual({ samples: 1, quantiles: [0.3, 0.3, 0.3] });
  });

  it('uses 101 levels by default and clamps quantiles to [0, 1]', () => {
    const snapshot = scoreSnapshot([0, 1])!;
    expect(snapshot.quantiles).toHaveLength(101);
    snapshot.quantiles.forEach((q, i) => expect(q).toBeCloseTo(i / 100, 12));
    expect(scoreSnapshot([-0.5, 1.5], 3)).toEqual({ samples: 2, quantiles: [0, 0.5, 1] });
    expect(scoreSnapshot([])).toBeNull();
  });
});

describe('snapshotCdf', () => {
  const snapshot = { samples: 10, quantiles: [0.1, 0.2, 0.2, 0.6, 0.9] };

  it('is 0 below the first quantile and 1 at or above the last', () => {
    expect(snapshotCdf(snapshot, 0.05)).toBe(0);
    expect(snapshotCdf(snapshot, 0.9)).toBe(1);
    expect(snapshotCdf(snapshot, 5)).toBe(1);
  });

  it('reads the level of a quantile, the highest one on ties, and interpolates between', () => {
    expect(snapshotCdf(snapshot, 0.1)).toBe(0);
    expect(snapshotCdf(snapshot, 0.15)).toBeCloseTo(0.125, 12);
    expect(snapshotCdf(snapshot, 0.2)).toBe(0.5);
    expect(snapshotCdf(snapshot, 0.4)).toBeCloseTo(0.625, 12);
    expect(snapshotCdf(snapshot, 0.6)).toBe(0.75);
    expect(snapshotCdf(snapshot, 0.75)).toBeCloseTo(0.875, 12);
    expect(snapshotCdf(uniform(1), 0.37)).toBeCloseTo(0.37, 12);
    expect(snapshotCdf(uniform(1), 0.99)).toBeCloseTo(0.99, 12);
    expect(snapshotCdf(uniform(1), 0.005)).toBeCloseTo(0.005, 12);
  });
});

describe('psi', () => {
  it('is 0 when every decile of the snapshot gets a tenth of the live scores', () => {
    expect(psi([0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95], uniform(1000))).toBeCloseTo(0, 12);
  });

  it('floors empty bins at 1e-4', () => {
    const all = psi(Array.from({ length: 10 }, () => 0.05), uniform(1000));
    expect(all).toBeCloseTo(term(1, 0.1) + 9 * term(1e-4, 0.1), 10);
  });

  it('counts a score on an edge in the bin above it', () => {
    // Two bins split at 0.5: two scores on the edge and one below give 1/3 below, 2/3 above.
    expect(psi([0.5, 0.5, 0.2], uniform(1000), 2)).toBeCloseTo(term(1 / 3, 0.5) + term(2 / 3, 0.5), 12);
    // Four bins split at 0.25, 0.5, 0.75: 0.2 | 0.3 | (none) | 0.75 and 0.9.
    expect(psi([0.75, 0.2, 0.3, 0.9], uniform(1000), 4)).toBeCloseTo(term(1e-4, 0.25) + term(0.5, 0.25), 10);
  });

  it('interpolates bin edges between the snapshot quantiles', () => {
    // Quantiles 0, 0.2, 1 (levels 0, 0.5, 1): the median edge sits at 0.2, so 0.3 is above it.
    const snapshot = { samples: 100, quantiles: [0, 0.2, 1] };
    expect(psi([0.3, 0.1], snapshot, 2)).toBeCloseTo(0, 12);
    expect(psi([0.3, 0.25], snapshot, 2)).toBeCloseTo(term(1e-4, 0.5) + term(1, 0.5), 10);
    // Four bins: edges at 0.1, 0.2, 0.6.
    expect(psi([0.05, 0.15, 0.5, 0.7], snapshot, 4)).toBeCloseTo(0, 12);
    expect(psi([0.15, 0.15, 0.5, 0.7], snapshot, 4)).toBeCloseTo(term(1e-4, 0.25) + term(0.5, 0.25), 10);
  });

  it('puts a score at the top of the snapshot in the top decile', () => {
    // Nine scores in the first nine deciles and one of exactly 1: one in each bin.
    expect(psi([0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 1], uniform(1000))).toBeCloseTo(0, 12);
  });

  it('merges repeated edges into one bin and keeps the result finite', () => {
    // Every quantile is 0.3: one edge, everything in the snapshot at or above it.
    const point = { samples: 50, quantiles: Array.from({ length: 101 }, () => 0.3) };
    expect(psi([0.3], point)).toBeCloseTo(term(1e-4, 1) + term(1, 1e-4), 10);
    expect(psi([0.1], point)).toBeCloseTo(term(1, 1) + term(1e-4, 1e-4), 10);
  });

  it('is NaN for no live scores', () => {
    expect(psi([], uniform(10))).toBeNaN();
  });
});

describe('ks', () => {
  it('takes the largest gap on either side of each step of the live CDF', () => {
    // Sorted 0.1, 0.2, 0.9: the step at 0.2 rises to 2/3 against a CDF of 0.2.
    expect(ks([0.9, 0.1, 0.2], uniform(1000)).d).toBeCloseTo(2 / 3 - 0.2, 12);
    // 0.8, 0.9: before the first step the live CDF is 0 against 0.8.
    expect(ks([0.9, 0.8], uniform(1000)).d).toBeCloseTo(0.8, 12);
    expect(ks([0.5, 0.5, 0.5], uniform(1000)).d).toBeCloseTo(0.5, 12);
    expect(ks([1, 1], uniform(1000)).d).toBe(1);
    // 0.05, 0.9, 0.95: the largest gap is below the second step (CDF 0.9 against 1/3).
    expect(ks([0.95, 0.05, 0.9], uniform(1000)).d).toBeCloseTo(0.9 - 1 / 3, 12);
  });

  it('gives the asymptotic p-value at n m / (n + m) samples', () => {
    const result = ks([0.9, 0.8], uniform(6));
    const root = Math.sqrt((2 * 6) / (2 + 6));
    expect(result.pValue).toBeCloseTo(kolmogorov((root + 0.12 + 0.11 / root) * 0.8), 10);
    const many = Array.from({ length: 400 }, (_, i) => 0.2 + (0.8 * (i + 0.5)) / 400);
    const shifted = ks(many, uniform(400));
    // The first live score is 0.201, where the live CDF is still 0.
    expect(shifted.d).toBeCloseTo(0.201, 10);
    const r = Math.sqrt((400 * 400) / 800);
    expect(shifted.pValue).toBeCloseTo(kolmogorov((r + 0.12 + 0.11 / r) * shifted.d), 12);
    expect(shifted.pValue).toBeGreaterThan(0);
    expect(shifted.pValue).toBeLessThan(1e-6);
  });

  it('reads the series at lambda = (sqrt(e) + 0.12 + 0.11 / sqrt(e)) D, is 1 below lambda 0.2, and never below 0', () => {
    // The helper reproduces the tabled Q(1) = 0.2700.
    expect(kolmogorov(1)).toBeCloseTo(0.26999967, 8);
    // n = m = 2: effective 1, so lambda = 1.23 D; the step at 0.5 meets a CDF of 0.5, D = 0.5.
    const half = ks([0.5, 0.5], { samples: 2, quantiles: [0, 0.5, 1] });
    expect(half.d).toBe(0.5);
    expect(half.pValue).toBeCloseTo(kolmogorov(1.23 * 0.5), 12);
    // 100 evenly spaced scores: D = 0.005, effective 50, lambda about 0.036: p is exactly 1.
    const even = ks(Array.from({ length: 100 }, (_, i) => (i + 0.5) / 100), uniform(100));
    expect(even.d).toBeCloseTo(0.005, 12);
    expect(even.pValue).toBe(1);
    // A gap of 1 on many samples: the series is about 0; clamped at 0.
    const far = ks(Array.from({ length: 1000 }, () => 1), uniform(1000));
    expect(far.d).toBe(1);
    expect(far.pValue).toBe(0);
  });

  it('is NaN for no live scores', () => {
    expect(ks([], uniform(10))).toEqual({ d: Number.NaN, pValue: Number.NaN });
  });
});

describe('driftVerdict', () => {
  const flat = { d: 0, pValue: 1 };

  it('has the stated thresholds', () => {
    expect(DRIFT_RULE).toEqual({ minLive: 200, psiRecalibrate: 0.1, psiRetrain: 0.25, ksD: 0.1, ksP: 0.01 });
  });

  it.each([
    [199, 1, { d: 1, pValue: 0 }, 'not-enough-traffic'],
    [200, 0, flat, 'stable'],
    [200, 0.25, flat, 'retrain'],
    [200, 0.2499, flat, 'recalibrate'],
    [200, 0.1, flat, 'recalibrate'],
    [200, 0.0999, flat, 'stable'],
    [200, 0, { d: 0.1, pValue: 0.0099 }, 'recalibrate'],
    [200, 0, { d: 0.0999, pValue: 0 }, 'stable'],
    [200, 0, { d: 0.1, pValue: 0.01 }, 'stable'],
    [200, 0, { d: 1, pValue: 0.5 }, 'stable'],
    [200, 0.3, { d: 1, pValue: 0 }, 'retrain'],
    [5000, 0.05, { d: 0.2, pValue: 0.001 }, 'recalibrate'],
  ] as const)('%i scores, PSI %f, KS %o -> %s', (samples, psiValue, ksValue, verdict) => {
    expect(driftVerdict(samples, psiValue, ksValue)).toBe(verdict);
  });
});
