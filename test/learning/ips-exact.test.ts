// Inverse-propensity estimates on rows worked out by hand: which rows count (a value present; the
// target tier equal to the logged one, a score equal to the threshold going strong), the 1 /
// propensity weights, rows outside the support (a certain tier the target disagrees with), the
// propensity check, and the bootstrap interval's ends on a population whose resample means can
// only take three values (so each end is known exactly for the level asked).

import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/eval/prng.ts';
import { ipsMean, ownCurve, unsupportedRows, type LoggedRow } from '../../src/learning/explore/ips.ts';

const rows: LoggedRow[] = [
  { score: 0.8, tier: 'strong', propensity: 0.5, reward: 1, costUsd: 0.01 },
  { score: 0.3, tier: 'weak', propensity: 1, reward: 0.5, costUsd: 0.001 },
  // Explored: the live threshold sent it weak although the score is above 0.5.
  { score: 0.6, tier: 'weak', propensity: 0.25, reward: 0, costUsd: 0.002 },
  { score: 0.5, tier: 'strong', propensity: 0.8, reward: 1, costUsd: null },
  { score: 0.2, tier: 'weak', propensity: 0.5, reward: null, costUsd: 0.001 },
];
const reward = (row: LoggedRow) => row.reward;
const cost = (row: LoggedRow) => row.costUsd;

describe('ipsMean', () => {
  it('weights matching rows by 1 / propensity and divides by the rows with a value', () => {
    // Threshold 0.5: rows 1 (1 / 0.5), 2 (0.5 / 1) and 4 (score on the threshold: strong, 1 / 0.8) match; 4 rewards.
    expect(ipsMean(rows, 0.5, reward)).toBeCloseTo((2 + 0.5 + 1.25) / 4, 12);
    // Threshold 0.7: rows 1, 2 and 3 (0 / 0.25) match; row 4 would now go weak.
    expect(ipsMean(rows, 0.7, reward)).toBeCloseTo((2 + 0.5 + 0) / 4, 12);
    // Cost at 0.5: rows 1 (0.01 / 0.5), 2 (0.001) and 5 (0.001 / 0.5) match, 4 of them have a cost.
    expect(ipsMean(rows, 0.5, cost)).toBeCloseTo((0.02 + 0.001 + 0.002) / 4, 12);
  });

  it('is NaN when no row has a value', () => {
    expect(ipsMean([], 0.5, reward)).toBeNaN();
    expect(ipsMean([rows[4]!], 0.5, reward)).toBeNaN();
    // A row with a value that does not match still counts in the denominator.
    expect(ipsMean([rows[2]!], 0.5, reward)).toBe(0);
  });
});

describe('unsupportedRows', () => {
  it('counts rows whose target differs from a tier that was certain (propensity 1)', () => {
    expect(unsupportedRows(rows, 0.5)).toBe(0);
    // At 0.25 row 2 (score 0.3, weak for certain) would go strong.
    expect(unsupportedRows(rows, 0.25)).toBe(1);
    // At 0.9 rows 1 and 4 would go weak, but they were explored (propensity below 1).
    expect(unsupportedRows(rows, 0.9)).toBe(0);
    const certain: LoggedRow = { score: 0.9, tier: 'strong', propensity: 1, reward: 1, costUsd: 0.01 };
    expect(unsupportedRows([certain], 0.9)).toBe(0);
    expect(unsupportedRows([certain], 0.95)).toBe(1);
  });
});

describe('ownCurve', () => {
  it('reports share, matching rows and point estimates per threshold', () => {
    const [at5, at7] = ownCurve(rows, [0.5, 0.7], { resamples: 20 });
    expect(at5).toMatchObject({ threshold: 0.5, strongShare: 3 / 5, unsupported: 0, matching: 4, rows: 5 });
    expect(at5?.quality?.estimate).toBeCloseTo(3.75 / 4, 12);
    expect(at5?.costUsd?.estimate).toBeCloseTo(0.023 / 4, 12);
    expect(at7).toMatchObject({ threshold: 0.7, strongShare: 1 / 5, matching: 4, rows: 5 });
    expect(at7?.quality?.estimate).toBeCloseTo(2.5 / 4, 12);
  });

  it('gives null estimates where no row has a value, and share 0 on no rows', () => {
    const noCost = rows.map((row) => ({ ...row, costUsd: null }));
    expect(ownCurve(noCost, [0.5], { resamples: 5 })[0]?.costUsd).toBeNull();
    expect(ownCurve([], [0.5])).toEqual([{ threshold: 0.5, strongShare: 0, quality: null, costUsd: null, unsupported: 0, matching: 0, rows: 0 }]);
  });

  it('refuses a propensity outside (0, 1], with the value in the message', () => {
    for (const propensity of [0, -0.1, 1.0000001, Number.NaN]) {
      expect(() => ownCurve([{ ...rows[0]!, propensity }], [0.5])).toThrow(`propensity must lie in (0, 1], got ${propensity}`);
    }
    expect(() => ownCurve([{ ...rows[0]!, propensity: 1 }], [0.5], { resamples: 1 })).not.toThrow();
  });

  // Two certain rows worth 0 and 1: a resample of both has mean 0 (1/4), 1/2 (1/2) or 1 (1/4), so
  // with 400 draws the 2.5% end is 0, the 97.5% end is 1, and the median is 1/2.
  const pair: LoggedRow[] = [
    { score: 0.1, tier: 'weak', propensity: 1, reward: 0, costUsd: 0 },
    { score: 0.2, tier: 'weak', propensity: 1, reward: 1, costUsd: 2 },
  ];

  it('takes the interval ends as percentiles of the resample means at the level asked', () => {
    const [wide] = ownCurve(pair, [0.5], { resamples: 400, seed: 3 });
    expect(wide?.quality).toEqual({ estimate: 0.5, low: 0, high: 1 });
    expect(wide?.costUsd).toEqual({ estimate: 1, low: 0, high: 2 });
    // Level 0.8: the 10% and 90% ends are still in the outer blocks (a quarter each).
    expect(ownCurve(pair, [0.5], { resamples: 400, seed: 3, level: 0.8 })[0]?.quality).toEqual({ estimate: 0.5, low: 0, high: 1 });
    // Level 0: both ends at the median.
    expect(ownCurve(pair, [0.5], { resamples: 400, seed: 3, level: 0 })[0]?.quality).toEqual({ estimate: 0.5, low: 0.5, high: 0.5 });
    // Level 0.2: the 40% and 60% ends fall in the middle block.
    expect(ownCurve(pair, [0.5], { resamples: 400, seed: 3, level: 0.2 })[0]?.quality).toEqual({ estimate: 0.5, low: 0.5, high: 0.5 });
  });

  it('uses 1000 resamples, seed 1 and level 0.95 by default', () => {
    const spread: LoggedRow[] = Array.from({ length: 12 }, (_, i) => ({ score: i / 12, tier: 'weak', propensity: 1, reward: (i * 7) % 5 / 4, costUsd: i }));
    expect(ownCurve(spread, [1])).toEqual(ownCurve(spread, [1], { resamples: 1000, seed: 1, level: 0.95 }));
    expect(ownCurve(spread, [1])).not.toEqual(ownCurve(spread, [1], { resamples: 1000, seed: 2, level: 0.95 }));
    expect(ownCurve(spread, [1])).not.toEqual(ownCurve(spread, [1], { resamples: 100, seed: 1, level: 0.95 }));
    expect(ownCurve(spread, [1])).not.toEqual(ownCurve(spread, [1], { resamples: 1000, seed: 1, level: 0.9 }));
  });

  it('leaves out resamples with no value at all', () => {
    // One valued row worth 1 and one without: every resample that draws the valued row means 1.
    const half: LoggedRow[] = [
      { score: 0.1, tier: 'weak', propensity: 1, reward: 1, costUsd: 1 },
      { score: 0.2, tier: 'weak', propensity: 1, reward: null, costUsd: 1 },
    ];
    expect(ownCurve(half, [0.5], { resamples: 200, seed: 5, level: 1 })[0]?.quality).toEqual({ estimate: 1, low: 1, high: 1 });
  });

  it('interpolates between the two resample means around a percentile', () => {
    // One resample: both ends are that resample's mean.
    const [one] = ownCurve(pair, [0.5], { resamples: 1, seed: 3, level: 0.5 });
    expect(one?.quality?.low).toBe(one?.quality?.high);
    // Level 1 on two resamples: the ends are the smaller and the larger mean.
    const [two] = ownCurve(pair, [0.5], { resamples: 2, seed: 3, level: 1 });
    const [lowOne] = ownCurve(pair, [0.5], { resamples: 2, seed: 3, level: 0 });
    expect(two!.quality!.low).toBeLessThanOrEqual(two!.quality!.high);
    expect(lowOne!.quality!.low).toBeCloseTo((two!.quality!.low + two!.quality!.high) / 2, 12);
  });

  it('is the linear-interpolated percentile of the resample means, rows drawn uniformly from the seeded stream', () => {
    // The scheme written out: each resample draws n rows with floor(u * n); the ends interpolate
    // between the two sorted means around (n - 1) * tail.
    const spread: LoggedRow[] = Array.from({ length: 7 }, (_, i) => ({ score: 0.1, tier: 'weak', propensity: 1, reward: [0, 0.13, 0.29, 0.41, 0.58, 0.77, 1][i]!, costUsd: i }));
    const random = seededRandom(11);
    const means: number[] = [];
    for (let r = 0; r < 9; r++) {
      let sum = 0;
      for (let k = 0; k < spread.length; k++) sum += spread[Math.floor(random() * spread.length)]!.reward!;
      means.push(sum / spread.length);
    }
    means.sort((a, b) => a - b);
    // Level 0.3: tails at 0.35 and 0.65, positions 2.8 and 5.2 of 0..8.
    const low = means[2]! + (means[3]! - means[2]!) * 0.8;
    const high = means[5]! + (means[6]! - means[5]!) * 0.2;
    expect(means[3]).toBeGreaterThan(means[2]!);
    expect(means[6]).toBeGreaterThan(means[5]!);
    const [point] = ownCurve(spread, [0.5], { resamples: 9, seed: 11, level: 0.3 });
    expect(point?.quality?.low).toBeCloseTo(low, 12);
    expect(point?.quality?.high).toBeCloseTo(high, 12);
  });
});
