// Inverse-propensity estimates of what another threshold would have given on the team's own
// traffic, from rows logged with exploration (routing/explore.ts). Pure maths: arrays in, numbers
// out. For a target threshold t, the target policy sends a row to strong when its score >= t; a
// row counts only when the logged tier matches the target's, weighted by 1 / propensity:
//   V(t) = (1 / n) * sum_i [target(i) = logged(i)] * value_i / propensity_i
// This is unbiased when every row's target tier had a chance of being logged (propensity of the
// other tier > 0 wherever the target disagrees with the logged tier); rows outside that support
// are counted in `unsupported`, and a point with any is flagged. Outcomes must be missing at
// random with respect to the tier for the quality estimate to stay unbiased. Intervals: percentile
// bootstrap over rows.

import type { Tier } from '../../config/types.ts';
import { seededRandom } from '../../eval/prng.ts';

export interface LoggedRow {
  score: number;
  /** The tier that served (logged action). */
  tier: Tier;
  /** Probability the logged tier had of being chosen, in (0, 1]. */
  propensity: number;
  /** Observed quality of the served answer in [0, 1] (null: no outcome for this row). */
  reward: number | null;
  /** Observed cost of the served call (null: unknown). */
  costUsd: number | null;
}

export interface Estimate {
  estimate: number;
  low: number;
  high: number;
}

export interface OwnCurvePoint {
  threshold: number;
  /** Share of rows the target sends to strong (known exactly: it depends on scores only). */
  strongShare: number;
  /** Mean quality per request under the target (rows with an outcome), null when none has one. */
  quality: Estimate | null;
  /** Mean cost per request under the target, null when no row has a cost. */
  costUsd: Estimate | null;
  /** Rows whose target tier could never have been logged (the estimate is biased when > 0). */
  unsupported: number;
  /** Rows whose logged tier matches the target's (they carry the estimate). */
  matching: number;
  rows: number;
}

export interface OwnCurveOptions {
  resamples?: number;
  seed?: number;
  /** Two-sided interval level (default 0.95). */
  level?: number;
}

const targetTier = (score: number, threshold: number): Tier => (score >= threshold ? 'strong' : 'weak');

/** IPS mean of `value` under the threshold policy, over the rows where value is not null (NaN when none). */
export function ipsMean(rows: readonly LoggedRow[], threshold: number, value: (row: LoggedRow) => number | null): number {
  let sum = 0;
  let n = 0;
  for (const row of rows) {
    const v = value(row);
    if (v === null) continue;
    n++;
    if (targetTier(row.score, threshold) === row.tier) sum += v / row.propensity;
  }
  return n === 0 ? Number.NaN : sum / n;
}

/** Rows where the target disagrees with a tier that was certain (propensity 1): outside the support. */
export function unsupportedRows(rows: readonly LoggedRow[], threshold: number): number {
  let count = 0;
  for (const row of rows) if (targetTier(row.score, threshold) !== row.tier && row.propensity >= 1) count++;
  return count;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = q * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.min(sorted.length - 1, lower + 1);
  return (sorted[lower] as number) + ((sorted[upper] as number) - (sorted[lower] as number)) * (position - lower);
}

function bootstrapped(rows: readonly LoggedRow[], threshold: number, value: (row: LoggedRow) => number | null, options: Required<OwnCurveOptions>): Estimate | null {
  const estimate = ipsMean(rows, threshold, value);
  if (!Number.isFinite(estimate)) return null;
  const random = seededRandom(options.seed);
  const draws: number[] = [];
  const sample: LoggedRow[] = new Array<LoggedRow>(rows.length);
  for (let r = 0; r < options.resamples; r++) {
    for (let i = 0; i < rows.length; i++) sample[i] = rows[Math.floor(random() * rows.length)] as LoggedRow;
    const drawn = ipsMean(sample, threshold, value);
    if (Number.isFinite(drawn)) draws.push(drawn);
  }
  draws.sort((a, b) => a - b);
  const tail = (1 - options.level) / 2;
  return { estimate, low: quantile(draws, tail), high: quantile(draws, 1 - tail) };
}

/** The estimated cost-quality curve at each threshold, with bootstrap intervals. */
export function ownCurve(rows: readonly LoggedRow[], thresholds: readonly number[], options: OwnCurveOptions = {}): OwnCurvePoint[] {
  const settings: Required<OwnCurveOptions> = { resamples: options.resamples ?? 1000, seed: options.seed ?? 1, level: options.level ?? 0.95 };
  for (const row of rows) {
    if (!(row.propensity > 0 && row.propensity <= 1)) throw new RangeError(`propensity must lie in (0, 1], got ${row.propensity}`);
  }
  return thresholds.map((threshold) => ({
    threshold,
    strongShare: rows.length === 0 ? 0 : rows.filter((row) => row.score >= threshold).length / rows.length,
    quality: bootstrapped(rows, threshold, (row) => row.reward, settings),
    costUsd: bootstrapped(rows, threshold, (row) => row.costUsd, settings),
    unsupported: unsupportedRows(rows, threshold),
    matching: rows.filter((row) => targetTier(row.score, threshold) === row.tier).length,
    rows: rows.length,
  }));
}
