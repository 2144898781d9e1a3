// All metrics of one router on one benchmark: RouteLLM's sweep, APGR, CPT(50%), CPT(80%),
// ROC AUC for "strong strictly better than weak", and optional bootstrap intervals.

import { bootstrapIntervals, type BootstrapIntervals, type BootstrapOptions } from './bootstrap.ts';
import { rankByScore } from './curve.ts';
import { rocAuc } from './metrics.ts';
import { curveMetrics } from './summary.ts';
import type { CurvePoint, PairQualities } from './types.ts';

export interface RouterMetrics {
  apgr: number;
  cpt50: number;
  cpt80: number;
  auc: number;
  /** RouteLLM's sweep points, sorted by strong share (what the metrics are computed from). */
  curve: CurvePoint[];
  ci?: BootstrapIntervals;
}

export function strongWinLabels(qualities: PairQualities): boolean[] {
  return Array.from(qualities.strong, (s, i) => s > (qualities.weak[i] as number));
}

export function evaluateScores(
  routerScores: ArrayLike<number>,
  qualities: PairQualities,
  options: { bins?: number; bootstrap?: BootstrapOptions | false } = {},
): RouterMetrics {
  const ranked = rankByScore(routerScores, qualities);
  const metrics = curveMetrics(ranked, options.bins ? { bins: options.bins } : {});
  const result: RouterMetrics = {
    apgr: metrics.apgr,
    cpt50: metrics.cpt50,
    cpt80: metrics.cpt80,
    auc: rocAuc(routerScores, strongWinLabels(qualities)),
    curve: metrics.points,
  };
  if (options.bootstrap !== false && options.bootstrap !== undefined) {
    result.ci = bootstrapIntervals(ranked, { ...options.bootstrap, ...(options.bins ? { bins: options.bins } : {}) });
  }
  return result;
}
