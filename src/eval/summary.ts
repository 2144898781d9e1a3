// The metrics of one router on one benchmark, computed from a ranked benchmark (optionally
// weighted, which is how the bootstrap resamples prompts without re-sorting).

import { routellmSweep, type RankedBenchmark } from './curve.ts';
import { apgr, callsToReach } from './metrics.ts';
import type { CurvePoint } from './types.ts';

export interface CurveMetrics {
  points: CurvePoint[];
  strongMean: number;
  weakMean: number;
  apgr: number;
  cpt50: number;
  cpt80: number;
}

export function weightedMeans(ranked: RankedBenchmark, weights?: ArrayLike<number>): { strongMean: number; weakMean: number } {
  let total = 0;
  let strong = 0;
  let weak = 0;
  for (let i = 0; i < ranked.scores.length; i++) {
    const w = weights ? (weights[i] as number) : 1;
    total += w;
    strong += w * (ranked.strong[i] as number);
    weak += w * (ranked.weak[i] as number);
  }
  return { strongMean: strong / total, weakMean: weak / total };
}

export function curveMetrics(ranked: RankedBenchmark, options: { bins?: number; weights?: ArrayLike<number> } = {}): CurveMetrics {
  const points = routellmSweep(ranked, options);
  const { strongMean, weakMean } = weightedMeans(ranked, options.weights);
  return {
    points,
    strongMean,
    weakMean,
    apgr: apgr(points, strongMean, weakMean),
    cpt50: callsToReach(points, strongMean, weakMean, 0.5),
    cpt80: callsToReach(points, strongMean, weakMean, 0.8),
  };
}
