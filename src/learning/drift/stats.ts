// Drift statistics between live scores and a calibration's score snapshot (evenly spaced
// quantiles, store/learning-store.ts ScoreSnapshot). Pure maths: arrays in, numbers out.
//   PSI: population stability index over the snapshot's deciles, sum (a - e) ln(a / e), with each
//        share floored at 1e-4 so an empty bin stays finite.
//   KS:  the largest gap between the live empirical CDF and the snapshot's CDF (linear between its
//        quantiles), with the asymptotic Kolmogorov p-value at n * m / (n + m) samples.

import type { ScoreSnapshot } from '../../store/learning-store.ts';

/** The snapshot of a set of scores: `levels` evenly spaced quantiles (linear interpolation). */
export function scoreSnapshot(scores: readonly number[], levels = 101): ScoreSnapshot | null {
  if (scores.length === 0) return null;
  const sorted = [...scores].sort((a, b) => a - b);
  const quantiles: number[] = [];
  for (let i = 0; i < levels; i++) {
    const position = (i / (levels - 1)) * (sorted.length - 1);
    const lower = Math.floor(position);
    const upper = Math.min(sorted.length - 1, lower + 1);
    const value = (sorted[lower] as number) + ((sorted[upper] as number) - (sorted[lower] as number)) * (position - lower);
    quantiles.push(Math.min(1, Math.max(0, value)));
  }
  return { samples: scores.length, quantiles };
}

/** The snapshot's CDF at x: linear between its quantiles, 0 below the first, 1 at or above the last. */
export function snapshotCdf(snapshot: ScoreSnapshot, x: number): number {
  const q = snapshot.quantiles;
  const last = q.length - 1;
  if (x < (q[0] as number)) return 0;
  if (x >= (q[last] as number)) return 1;
  // The last quantile at or below x (ties: the highest level sharing the value).
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((q[mid] as number) <= x) lo = mid;
    else hi = mid;
  }
  const a = q[lo] as number;
  const b = q[hi] as number;
  const within = b > a ? (x - a) / (b - a) : 0;
  return (lo + within) / last;
}

const FLOOR = 1e-4;

/** PSI of the live scores against the snapshot, over `bins` quantile bins of the snapshot. */
export function psi(live: readonly number[], snapshot: ScoreSnapshot, bins = 10): number {
  if (live.length === 0) return Number.NaN;
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const position = (k / bins) * (snapshot.quantiles.length - 1);
    const lower = Math.floor(position);
    const upper = Math.min(snapshot.quantiles.length - 1, lower + 1);
    const a = snapshot.quantiles[lower] as number;
    const b = snapshot.quantiles[upper] as number;
    edges.push(a + (b - a) * (position - lower));
  }
  const unique = [...new Set(edges)];
  const bounds = [Number.NEGATIVE_INFINITY, ...unique, Number.POSITIVE_INFINITY];
  const cdf = (x: number) => (x === Number.NEGATIVE_INFINITY ? 0 : x === Number.POSITIVE_INFINITY ? 1 : snapshotCdf(snapshot, x));
  const counts = new Array<number>(bounds.length - 1).fill(0);
  for (const score of live) {
    let bin = 0;
    while (bin < unique.length && score >= (unique[bin] as number)) bin++;
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  let total = 0;
  for (let k = 0; k < counts.length; k++) {
    const expected = Math.max(FLOOR, cdf(bounds[k + 1] as number) - cdf(bounds[k] as number));
    const actual = Math.max(FLOOR, (counts[k] ?? 0) / live.length);
    total += (actual - expected) * Math.log(actual / expected);
  }
  return total;
}

/** Kolmogorov's survival function Q(lambda) = 2 sum_k (-1)^(k-1) exp(-2 k^2 lambda^2). */
function kolmogorovQ(lambda: number): number {
  if (lambda < 0.2) return 1;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = 2 * (k % 2 === 1 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-12) break;
  }
  return Math.min(1, Math.max(0, sum));
}

export interface KsResult {
  d: number;
  pValue: number;
}

export function ks(live: readonly number[], snapshot: ScoreSnapshot): KsResult {
  if (live.length === 0) return { d: Number.NaN, pValue: Number.NaN };
  const sorted = [...live].sort((a, b) => a - b);
  const n = sorted.length;
  let d = 0;
  for (let j = 0; j < n; j++) {
    const f = snapshotCdf(snapshot, sorted[j] as number);
    d = Math.max(d, (j + 1) / n - f, f - j / n);
  }
  const effective = (n * snapshot.samples) / (n + snapshot.samples);
  const root = Math.sqrt(effective);
  return { d, pValue: kolmogorovQ((root + 0.12 + 0.11 / root) * d) };
}
