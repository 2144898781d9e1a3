// Percentile bootstrap intervals for APGR and CPTs: resample prompts with replacement (seeded),
// recompute the sweep and metrics on each resample, take the 2.5% and 97.5% quantiles.
// Resamples where the pair's means tie (PGR undefined) are skipped.

import type { RankedBenchmark } from './curve.ts';
import { seededRandom } from './prng.ts';
import { curveMetrics } from './summary.ts';
import type { Interval } from './types.ts';

export interface BootstrapOptions {
  /** Number of resamples (default 1000). */
  resamples?: number;
  seed?: number;
  /** Coverage of the interval (default 0.95). */
  level?: number;
  bins?: number;
}

export interface BootstrapIntervals {
  apgr: Interval;
  cpt50: Interval;
  cpt80: Interval;
  /** Resamples that produced finite metrics. */
  used: number;
}

/** Linear-interpolated quantile of sorted finite values. */
export function sortedQuantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const a = sorted[below] as number;
  const b = sorted[Math.min(below + 1, sorted.length - 1)] as number;
  return a + (b - a) * (position - below);
}

function interval(values: number[], level: number): Interval {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return { low: sortedQuantile(finite, tail), high: sortedQuantile(finite, 1 - tail) };
}

export function bootstrapIntervals(ranked: RankedBenchmark, options: BootstrapOptions = {}): BootstrapIntervals {
  const resamples = options.resamples ?? 1000;
  const level = options.level ?? 0.95;
  const random = seededRandom(options.seed ?? 1);
  const n = ranked.scores.length;
  const weights = new Float64Array(n);
  const apgrs: number[] = [];
  const cpt50s: number[] = [];
  const cpt80s: number[] = [];
  for (let r = 0; r < resamples; r++) {
    weights.fill(0);
    for (let k = 0; k < n; k++) {
      const pick = Math.floor(random() * n);
      weights[pick] = (weights[pick] as number) + 1;
    }
    const metrics = curveMetrics(ranked, { weights, ...(options.bins ? { bins: options.bins } : {}) });
    if (!Number.isFinite(metrics.apgr)) continue;
    apgrs.push(metrics.apgr);
    cpt50s.push(metrics.cpt50);
    cpt80s.push(metrics.cpt80);
  }
  return { apgr: interval(apgrs, level), cpt50: interval(cpt50s, level), cpt80: interval(cpt80s, level), used: apgrs.length };
}
