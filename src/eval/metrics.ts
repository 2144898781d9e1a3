// RouteLLM's router metrics on a cost-quality curve, plus ROC AUC.
//   PGR(x)  = (quality(x) - weak) / (strong - weak)
//   APGR    = (trapz(quality) - trapz(weak)) / (trapz(strong) - trapz(weak)) over strong share,
//             exactly as routellm/evals/evaluate.py computes it from its sweep points.
//   CPT(p)  = the smallest strong share at which PGR reaches p, interpolating linearly between
//             sweep points (RouteLLM uses np.interp, which agrees when quality rises monotonically).

import type { CurvePoint } from './types.ts';

export function pgr(quality: number, strongMean: number, weakMean: number): number {
  return (quality - weakMean) / (strongMean - weakMean);
}

/** Trapezoid area of y over x (numpy.trapz). */
export function trapezoid(xs: readonly number[], ys: readonly number[]): number {
  let area = 0;
  for (let i = 1; i < xs.length; i++) {
    area += ((xs[i] as number) - (xs[i - 1] as number)) * ((ys[i] as number) + (ys[i - 1] as number)) / 2;
  }
  return area;
}

/** Area under PGR over strong share; points must be sorted by strong share. */
export function apgr(points: readonly CurvePoint[], strongMean: number, weakMean: number): number {
  const xs = points.map((p) => p.strongShare);
  const span = (xs[xs.length - 1] ?? 0) - (xs[0] ?? 0);
  const area = trapezoid(xs, points.map((p) => p.quality));
  return (area - weakMean * span) / ((strongMean - weakMean) * span);
}

/** Cost to reach a PGR target (0.5 for CPT(50%)); NaN when never reached. Points sorted by share. */
export function callsToReach(points: readonly CurvePoint[], strongMean: number, weakMean: number, target: number): number {
  const goal = weakMean + target * (strongMean - weakMean);
  const first = points[0];
  if (!first) return Number.NaN;
  if (first.quality >= goal) return first.strongShare;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as CurvePoint;
    const b = points[i] as CurvePoint;
    if (b.quality >= goal) {
      if (b.quality === a.quality) return b.strongShare;
      return a.strongShare + (goal - a.quality) / (b.quality - a.quality) * (b.strongShare - a.strongShare);
    }
  }
  return Number.NaN;
}

/**
 * ROC AUC of `scores` for binary `labels` (Mann-Whitney with tied scores counted as half).
 * NaN when one class is empty. Optional weights count a record that many times.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<boolean>, weights?: ArrayLike<number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let positives = 0;
  let negatives = 0;
  let favourable = 0; // pairs (positive, negative) where the positive scores higher, ties as 1/2
  let negativesBelow = 0;
  for (let start = 0; start < n; ) {
    let end = start;
    let groupPos = 0;
    let groupNeg = 0;
    while (end < n && scores[order[end] as number] === scores[order[start] as number]) {
      const i = order[end] as number;
      const w = weights ? (weights[i] as number) : 1;
      if (labels[i]) groupPos += w;
      else groupNeg += w;
      end++;
    }
    favourable += groupPos * (negativesBelow + groupNeg / 2);
    negativesBelow += groupNeg;
    positives += groupPos;
    negatives += groupNeg;
    start = end;
  }
  return positives && negatives ? favourable / (positives * negatives) : Number.NaN;
}
