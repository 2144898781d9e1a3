// Paired bootstrap of two routers on the same prompts: each resample draws prompts with
// replacement once and scores both routers on that same draw, so the interval of the APGR
// difference reflects only how the two disagree, not how hard the drawn prompts happen to be.

import { rankByScore, type RankedBenchmark } from './curve.ts';
import { seededRandom } from './prng.ts';
import { sortedQuantile } from './bootstrap.ts';
import { curveMetrics } from './summary.ts';
import type { PairQualities } from './types.ts';

export interface Estimate {
  value: number;
  low: number;
  high: number;
}

export interface PairedApgr {
  records: number;
  a: Estimate;
  b: Estimate;
  /** APGR(a) - APGR(b). */
  delta: Estimate;
  /** Resamples with a defined APGR for both. */
  used: number;
}

function ranking(scores: ArrayLike<number>, qualities: PairQualities): { ranked: RankedBenchmark; order: number[] } {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => (scores[x] as number) - (scores[y] as number) || x - y);
  return { ranked: rankByScore(scores, qualities), order };
}

function estimate(point: number, values: number[], level: number): Estimate {
  const sorted = values.filter(Number.isFinite).sort((x, y) => x - y);
  const tail = (1 - level) / 2;
  return { value: point, low: sortedQuantile(sorted, tail), high: sortedQuantile(sorted, 1 - tail) };
}

export function pairedApgr(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  qualities: PairQualities,
  options: { resamples?: number; seed?: number; level?: number } = {},
): PairedApgr {
  const n = qualities.strong.length;
  if (a.length !== n || b.length !== n) throw new Error(`paired scores need ${n} values each, got ${a.length} and ${b.length}`);
  const resamples = options.resamples ?? 1000;
  const level = options.level ?? 0.95;
  const random = seededRandom(options.seed ?? 1);
  const ra = ranking(a, qualities);
  const rb = ranking(b, qualities);
  const pointA = curveMetrics(ra.ranked).apgr;
  const pointB = curveMetrics(rb.ranked).apgr;
  const counts = new Float64Array(n);
  const wa = new Float64Array(n);
  const wb = new Float64Array(n);
  const as: number[] = [];
  const bs: number[] = [];
  const ds: number[] = [];
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    for (let k = 0; k < n; k++) {
      const pick = Math.floor(random() * n);
      counts[pick] = (counts[pick] as number) + 1;
    }
    ra.order.forEach((from, to) => (wa[to] = counts[from] as number));
    rb.order.forEach((from, to) => (wb[to] = counts[from] as number));
    const x = curveMetrics(ra.ranked, { weights: wa }).apgr;
    const y = curveMetrics(rb.ranked, { weights: wb }).apgr;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    as.push(x);
    bs.push(y);
    ds.push(x - y);
  }
  return { records: n, a: estimate(pointA, as, level), b: estimate(pointB, bs, level), delta: estimate(pointA - pointB, ds, level), used: ds.length };
}
