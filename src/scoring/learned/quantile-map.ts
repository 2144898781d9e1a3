// Maps a model's raw output to its rank among reference prompts (the training prompts, each source
// weighing the same), so a threshold reads as a share of traffic: threshold t sends about (1 - t)
// of reference-like traffic to the strong model. The map is strictly increasing, so it never
// changes which of two prompts ranks higher.

/** Knots (raw, mapped) from stored quantiles q[0..n-1] of raw scores at probabilities k/(n-1). */
export function quantileKnots(quantiles: readonly number[]): { xs: number[]; ys: number[] } {
  const n = quantiles.length;
  const xs: number[] = [0];
  const ys: number[] = [0];
  for (let k = 0; k < n; k++) {
    const x = quantiles[k]!;
    // Inner knots span [0.001, 0.999] so the ends stay strictly increasing to (0, 0) and (1, 1).
    const y = 0.001 + (0.998 * k) / (n - 1);
    if (x <= xs[xs.length - 1]! || x >= 1) continue; // repeated quantile (a plateau): keep the first knot
    xs.push(x);
    ys.push(y);
  }
  xs.push(1);
  ys.push(1);
  return { xs, ys };
}

export function createQuantileMap(quantiles: readonly number[]): (raw: number) => number {
  if (quantiles.length < 2) throw new Error('a quantile map needs at least two quantiles');
  const { xs, ys } = quantileKnots(quantiles);
  return (raw) => {
    if (!(raw > 0)) return 0;
    if (raw >= 1) return 1;
    // Binary search for the segment xs[lo] <= raw < xs[lo + 1].
    let lo = 0;
    let hi = xs.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (xs[mid]! <= raw) lo = mid;
      else hi = mid;
    }
    const x0 = xs[lo]!;
    const x1 = xs[hi]!;
    return ys[lo]! + ((raw - x0) / (x1 - x0)) * (ys[hi]! - ys[lo]!);
  };
}

/** Weighted quantiles of `values` at `points` evenly spaced probabilities 0..1. */
export function weightedQuantiles(values: ArrayLike<number>, weights: ArrayLike<number>, points = 101): number[] {
  const order = Array.from({ length: values.length }, (_, i) => i).filter((i) => (weights[i] ?? 0) > 0);
  if (order.length === 0) throw new Error('no weighted values to take quantiles of');
  order.sort((a, b) => values[a]! - values[b]!);
  const total = order.reduce((sum, i) => sum + weights[i]!, 0);
  const out: number[] = [];
  let cumulative = 0;
  let j = 0;
  for (let k = 0; k < points; k++) {
    const target = (k / (points - 1)) * total;
    while (j < order.length - 1 && cumulative + weights[order[j]!]! < target) {
      cumulative += weights[order[j]!]!;
      j++;
    }
    out.push(values[order[j]!]!);
  }
  return out;
}
