// The own-traffic curve of a router's live scorer: reads the window of logged chat decisions that
// the threshold (or exploration near it) decided and that carry a propensity, joins each with its
// outcome (the newest rating, else a routing label read as a grade), and hands them to the
// inverse-propensity estimator at thresholds across the exploration band.

import type { RouterConfig, Tier } from '../../config/types.ts';
import type { DecisionOutcome, DecisionRecord, DecisionStore } from '../../store/store.ts';
import { decidedByThreshold, readWindow, type WindowSpec } from '../window.ts';
import { ownCurve, type LoggedRow, type OwnCurveOptions, type OwnCurvePoint } from './ips.ts';

export interface OwnCurveReport {
  router: string;
  window: string;
  /** The threshold most rows were decided at, and the band explored around it. */
  liveThreshold: number | null;
  band: number;
  rate: number;
  /** Rows used, rows of them with an outcome, and why others were left out. */
  rows: number;
  withOutcome: number;
  skipped: { noPropensity: number; notByThreshold: number; failed: number; retried: number };
  points: OwnCurvePoint[];
}

/**
 * Grade of the served answer from its outcomes: the newest rating; else a routing label (weak_ok
 * on a weak answer: 1, strong_needed on a weak answer: 0, any label on a strong answer: 1).
 */
export function rewardOf(outcomes: readonly DecisionOutcome[], tier: Tier): number | null {
  const newestFirst = [...outcomes].sort((a, b) => b.createdAt - a.createdAt);
  const rated = newestFirst.find((o) => o.rating !== null);
  if (rated?.rating !== undefined && rated.rating !== null) return rated.rating;
  const labelled = newestFirst.find((o) => o.label === 'weak_ok' || o.label === 'strong_needed');
  if (!labelled) return null;
  return tier === 'strong' || labelled.label === 'weak_ok' ? 1 : 0;
}

function mostCommon(values: readonly number[]): number | null {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: number | null = null;
  let bestCount = 0;
  for (const [value, count] of counts) if (count > bestCount) [best, bestCount] = [value, count];
  return best;
}

/** Thresholds from live - band to live + band in `steps` equal steps (clamped to [0, 1]). */
export function bandThresholds(live: number, band: number, steps = 8): number[] {
  if (band <= 0) return [live];
  const points: number[] = [];
  for (let i = 0; i <= steps; i++) points.push(Math.min(1, Math.max(0, Number((live - band + (2 * band * i) / steps).toFixed(6)))));
  return [...new Set(points)];
}

export async function ownTrafficCurve(
  store: DecisionStore,
  routerName: string,
  router: RouterConfig,
  window: WindowSpec,
  options: OwnCurveOptions & { now?: number; thresholds?: number[] } = {},
): Promise<OwnCurveReport> {
  const { rows: all } = await readWindow(store, routerName, window, options.now);
  const skipped = { noPropensity: 0, notByThreshold: 0, failed: 0, retried: 0 };
  const used: Array<{ record: DecisionRecord; tier: Tier; propensity: number }> = [];
  for (const record of all) {
    if (record.status !== 200) skipped.failed++;
    else if (!decidedByThreshold(record)) skipped.notByThreshold++;
    else if (record.reason.includes('; retried on ')) skipped.retried++;
    else if (record.propensity === undefined || record.propensity === null || record.tier === null) skipped.noPropensity++;
    else used.push({ record, tier: record.tier, propensity: record.propensity });
  }
  const logged: LoggedRow[] = [];
  for (const { record, tier, propensity } of used) {
    const reward = rewardOf(await store.outcomes(record.id), tier);
    logged.push({ score: record.score ?? 0, tier, propensity, reward, costUsd: record.costUsd });
  }
  const liveThreshold = mostCommon(used.flatMap(({ record }) => (record.threshold === null ? [] : [record.threshold])));
  const band = router.explore?.band ?? 0;
  const thresholds = options.thresholds ?? (liveThreshold === null ? [] : bandThresholds(liveThreshold, band));
  return {
    router: routerName,
    window: window.spec,
    liveThreshold,
    band,
    rate: router.explore?.rate ?? 0,
    rows: logged.length,
    withOutcome: logged.filter((row) => row.reward !== null).length,
    skipped,
    points: ownCurve(logged, thresholds, options),
  };
}
