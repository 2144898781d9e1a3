// The learning loop's parts of `triage report`: shadow-judging spend as its own line (it is not
// client traffic, so it stays out of the totals), and with --own-curve the inverse-propensity
// estimate of each exploring router's cost-quality curve on its own traffic.

import type { TriageConfig } from '../config/types.ts';
import { ownTrafficCurve, type OwnCurveReport } from '../learning/explore/own-traffic.ts';
import type { Estimate } from '../learning/explore/ips.ts';
import type { ShadowSpend } from '../store/shadow-labels.ts';
import type { DecisionStore } from '../store/store.ts';

export function shadowLine(spend: ShadowSpend): string {
  return `shadow judging   ${spend.labels} labels, cost $${spend.costUsd.toFixed(6)} (shadow and judge calls, not counted above)`;
}

/** Own-traffic curves for the routers that explore (or the one asked for), over [since, now). */
export async function ownCurves(store: DecisionStore, config: TriageConfig, options: { router?: string; since?: number; now: number }): Promise<OwnCurveReport[]> {
  const names = options.router !== undefined ? [options.router] : Object.keys(config.routers).filter((name) => config.routers[name]?.explore);
  const since = options.since ?? options.now - 30 * 86_400_000;
  const ms = Math.max(1, options.now - since);
  const reports: OwnCurveReport[] = [];
  for (const name of names) {
    const router = config.routers[name];
    if (!router) throw new Error(`no router named "${name}" in the config`);
    reports.push(await ownTrafficCurve(store, name, router, { kind: 'duration', ms, spec: `since ${new Date(since).toISOString()}` }, { now: options.now }));
  }
  return reports;
}

const interval = (e: Estimate | null, digits: number): string => (e === null ? '-' : `${e.estimate.toFixed(digits)} [${e.low.toFixed(digits)}, ${e.high.toFixed(digits)}]`);

export function formatOwnCurve(report: OwnCurveReport): string {
  const head = `own-traffic curve, router ${report.router} (${report.window}): ${report.rows} requests with a propensity, ${report.withOutcome} with an outcome; live threshold ${report.liveThreshold ?? '-'}, explored band ±${report.band} at rate ${report.rate}`;
  if (report.points.length === 0) return `${head}\n  no explored traffic yet: set explore: { rate, band } on the router and send traffic`;
  const rows = report.points.map((p) =>
    `  ${p.threshold.toFixed(4).padEnd(10)} ${`${(p.strongShare * 100).toFixed(1)}%`.padStart(7)}  ${interval(p.quality, 3).padEnd(24)} ${interval(p.costUsd, 6).padEnd(34)} ${String(p.matching).padStart(8)}${p.unsupported > 0 ? `  outside explored support (${p.unsupported} rows): biased` : ''}`,
  );
  return [head, '  threshold   strong  quality [95% CI]         cost per request [95% CI]          matching', ...rows].join('\n');
}
