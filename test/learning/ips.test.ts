// The inverse-propensity estimate of the live scorer's curve on a synthetic population whose true
// answer is known in closed form: scores uniform on [0, 1); the strong answer is good with
// probability 0.9, the weak one with 0.9 - 0.6 * score. Traffic is logged with threshold 0.5 and
// exploration (rate 0.1, band 0.2), exactly as routing/explore.ts flips tiers.

import { describe, expect, it } from 'vitest';
import { seededRandom, type Random } from '../../src/eval/prng.ts';
import { ipsMean, ownCurve, unsupportedRows, type LoggedRow } from '../../src/learning/explore/ips.ts';
import { explore } from '../../src/routing/explore.ts';

const LIVE = 0.5;
const EXPLORE = { rate: 0.1, band: 0.2 };
const pStrong = 0.9;
const pWeak = (score: number) => 0.9 - 0.6 * score;
const COST = { strong: 0.01, weak: 0.001 };

/** True mean quality with threshold t: weak below t, strong above. */
const trueQuality = (t: number) => 0.9 * t - 0.3 * t * t + pStrong * (1 - t);
const trueCost = (t: number) => COST.weak * t + COST.strong * (1 - t);

function logTraffic(n: number, random: Random): LoggedRow[] {
  const rows: LoggedRow[] = [];
  for (let i = 0; i < n; i++) {
    const score = random();
    const byThreshold = score >= LIVE ? 'strong' : 'weak';
    const { tier, propensity } = explore(byThreshold, score, LIVE, EXPLORE, random());
    const good = random() < (tier === 'strong' ? pStrong : pWeak(score));
    rows.push({ score, tier, propensity: propensity ?? 1, reward: good ? 1 : 0, costUsd: COST[tier] });
  }
  return rows;
}

/** What a naive reading of the log gives: the mean outcome of rows whose tier matches the target, unweighted. */
function naive(rows: readonly LoggedRow[], t: number): number {
  const matching = rows.filter((row) => (row.score >= t ? 'strong' : 'weak') === row.tier);
  return matching.reduce((sum, row) => sum + (row.reward ?? 0), 0) / matching.length;
}

describe('inverse-propensity estimate of the own-traffic curve', () => {
  it('is unbiased for thresholds inside the exploration band, where the naive reading is not', () => {
    const random = seededRandom(2026);
    const reps = 300;
    for (const t of [0.35, 0.45, 0.6]) {
      let ips = 0;
      let plain = 0;
      let cost = 0;
      for (let r = 0; r < reps; r++) {
        const rows = logTraffic(2000, random);
        ips += ipsMean(rows, t, (row) => row.reward);
        plain += naive(rows, t);
        cost += ipsMean(rows, t, (row) => row.costUsd);
      }
      // Standard error of the mean over 300 replications is near 0.001 here; 0.005 is five of them.
      expect(Math.abs(ips / reps - trueQuality(t)), `quality at ${t}`).toBeLessThan(0.005);
      expect(Math.abs(cost / reps - trueCost(t)), `cost at ${t}`).toBeLessThan(0.0002);
      // Far enough from the live threshold, reading the log without weights is off by many standard errors.
      if (t === 0.35) expect(Math.abs(plain / reps - trueQuality(t)), `naive at ${t}`).toBeGreaterThan(0.004);
    }
  });

  it('gives intervals that cover the true value at about their level', () => {
    const random = seededRandom(7);
    let covered = 0;
    const reps = 40;
    for (let r = 0; r < reps; r++) {
      const [point] = ownCurve(logTraffic(1500, random), [0.4], { resamples: 200, seed: r + 1, level: 0.9 });
      if (point?.quality && point.quality.low <= trueQuality(0.4) && trueQuality(0.4) <= point.quality.high) covered++;
    }
    // 90% intervals over 40 runs: fewer than 30 covered would happen by chance well under 1% of the time.
    expect(covered).toBeGreaterThanOrEqual(30);
  });

  it('flags thresholds outside the band as unsupported, and reports strong share exactly', () => {
    const rows = logTraffic(3000, seededRandom(3));
    const [inside, outside] = ownCurve(rows, [0.4, 0.1], { resamples: 50 });
    expect(inside?.unsupported).toBe(0);
    expect(outside?.unsupported).toBeGreaterThan(0);
    expect(unsupportedRows(rows, 0.1)).toBe(outside?.unsupported);
    expect(inside?.strongShare).toBeCloseTo(rows.filter((row) => row.score >= 0.4).length / rows.length, 12);
    expect(inside?.rows).toBe(3000);
  });

  it('skips rows without an outcome, and refuses a propensity outside (0, 1]', () => {
    const rows: LoggedRow[] = [
      { score: 0.9, tier: 'strong', propensity: 1, reward: 1, costUsd: 1 },
      { score: 0.1, tier: 'weak', propensity: 1, reward: null, costUsd: 1 },
    ];
    expect(ipsMean(rows, 0.5, (row) => row.reward)).toBe(1);
    expect(ownCurve([], [0.5])[0]?.quality).toBeNull();
    expect(() => ownCurve([{ ...rows[0]!, propensity: 0 }], [0.5])).toThrow(/propensity/);
  });
});
