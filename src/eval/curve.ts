// Cost-quality curves: route a prompt to the strong model when its router score clears a
// threshold, and sweep the threshold so the strong share goes from 0% to 100%.
//
// routellmSweep() reproduces routellm/evals/benchmarks.py: thresholds are the bin edges of
// pd.qcut(scores, 10) (the 0%, 10%, ..., 100% quantiles, linear interpolation as numpy does);
// a prompt goes strong when score >= threshold, except at the last edge where score > threshold
// (so the sweep ends at 0% strong). Tied scores always move together, so the result does not
// depend on record order. exactCurve() gives every distinct operating point instead (for plots).
// Both accept per-record weights (bootstrap resampling counts).

import type { CurvePoint, PairQualities } from './types.ts';

/** Records ordered by router score (ascending; ties keep input order), with prefix sums. */
export interface RankedBenchmark {
  readonly scores: Float64Array;
  readonly strong: Float64Array;
  readonly weak: Float64Array;
}

export function rankByScore(routerScores: ArrayLike<number>, qualities: PairQualities): RankedBenchmark {
  const n = qualities.strong.length;
  if (routerScores.length !== n) throw new Error(`router gave ${routerScores.length} scores for ${n} records`);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(routerScores[i])) throw new Error(`router score #${i} is not a finite number: ${routerScores[i]}`);
  }
  order.sort((a, b) => (routerScores[a] as number) - (routerScores[b] as number) || a - b);
  const scores = new Float64Array(n);
  const strong = new Float64Array(n);
  const weak = new Float64Array(n);
  order.forEach((from, to) => {
    scores[to] = routerScores[from] as number;
    strong[to] = qualities.strong[from] as number;
    weak[to] = qualities.weak[from] as number;
  });
  return { scores, strong, weak };
}

interface Sums {
  total: number;
  /** cumulativeWeight[i] = weight of items 0..i. */
  cumulativeWeight: Float64Array;
  /** prefixWeak[k] = weighted weak quality of items < k. */
  prefixWeak: Float64Array;
  /** suffixStrong[k] = weighted strong quality of items >= k; suffixWeight likewise for weight. */
  suffixStrong: Float64Array;
  suffixWeight: Float64Array;
}

function sums(ranked: RankedBenchmark, weights?: ArrayLike<number>): Sums {
  const n = ranked.scores.length;
  const weightAt = (i: number): number => (weights ? (weights[i] as number) : 1);
  const cumulativeWeight = new Float64Array(n);
  const prefixWeak = new Float64Array(n + 1);
  const suffixStrong = new Float64Array(n + 1);
  const suffixWeight = new Float64Array(n + 1);
  let running = 0;
  for (let i = 0; i < n; i++) {
    running += weightAt(i);
    cumulativeWeight[i] = running;
    prefixWeak[i + 1] = (prefixWeak[i] as number) + weightAt(i) * (ranked.weak[i] as number);
  }
  for (let i = n - 1; i >= 0; i--) {
    suffixStrong[i] = (suffixStrong[i + 1] as number) + weightAt(i) * (ranked.strong[i] as number);
    suffixWeight[i] = (suffixWeight[i + 1] as number) + weightAt(i);
  }
  return { total: running, cumulativeWeight, prefixWeak, suffixStrong, suffixWeight };
}

function pointFrom(s: Sums, firstStrong: number, threshold?: number): CurvePoint {
  return {
    strongShare: (s.suffixWeight[firstStrong] as number) / s.total,
    quality: ((s.prefixWeak[firstStrong] as number) + (s.suffixStrong[firstStrong] as number)) / s.total,
    ...(threshold === undefined ? {} : { threshold }),
  };
}

/** First index whose score is >= t (or > t when strict). */
function firstAtOrAbove(scores: Float64Array, t: number, strict: boolean): number {
  let lo = 0;
  let hi = scores.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const v = scores[mid] as number;
    if (strict ? v > t : v >= t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** numpy's linear interpolation (same rounding branches as numpy's _lerp). */
function lerp(a: number, b: number, t: number): number {
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** Quantile of the (weighted, i.e. repeated) sorted scores, numpy "linear" method. */
function quantile(ranked: RankedBenchmark, s: Sums, q: number): number {
  const valueAtRank = (rank: number): number => {
    let lo = 0;
    let hi = s.cumulativeWeight.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((s.cumulativeWeight[mid] as number) > rank) hi = mid;
      else lo = mid + 1;
    }
    return ranked.scores[lo] as number;
  };
  const position = (s.total - 1) * q;
  const below = Math.floor(position);
  const fraction = position - below;
  const a = valueAtRank(below);
  return fraction > 0 ? lerp(a, valueAtRank(below + 1), fraction) : a;
}

function byShare(points: CurvePoint[]): CurvePoint[] {
  return points
    .map((p, k) => ({ p, k }))
    .sort((x, y) => x.p.strongShare - y.p.strongShare || x.k - y.k)
    .map(({ p }) => p);
}

export interface SweepOptions {
  /** Number of quantile bins (RouteLLM's --num-results, default 10 → 11 points). */
  bins?: number;
  /** Per-record weights aligned with the ranked order (bootstrap counts). */
  weights?: ArrayLike<number>;
}

/** RouteLLM's 11-point sweep (for bins = 10), sorted by strong share. */
export function routellmSweep(ranked: RankedBenchmark, options: SweepOptions = {}): CurvePoint[] {
  const bins = options.bins ?? 10;
  const s = sums(ranked, options.weights);
  if (s.total <= 0) throw new Error('cannot sweep an empty benchmark');
  const points: CurvePoint[] = [];
  for (let k = 0; k <= bins; k++) {
    const threshold = quantile(ranked, s, k / bins);
    points.push(pointFrom(s, firstAtOrAbove(ranked.scores, threshold, k === bins), threshold));
  }
  return byShare(points);
}

/** Every distinct operating point (one per tie group boundary), from 0% to 100% strong. */
export function exactCurve(ranked: RankedBenchmark, weights?: ArrayLike<number>): CurvePoint[] {
  const s = sums(ranked, weights);
  const n = ranked.scores.length;
  const points: CurvePoint[] = [pointFrom(s, n)];
  for (let k = n - 1; k >= 0; k--) {
    if (k > 0 && ranked.scores[k - 1] === ranked.scores[k]) continue;
    points.push(pointFrom(s, k, ranked.scores[k]));
  }
  return points;
}
