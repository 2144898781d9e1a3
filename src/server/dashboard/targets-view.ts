// Targets figures: target adherence as `triage targets` / `triage report` compute it
// (learning/adherence.ts), overall and per UTC day (the live strong share against the target over
// time), and for budget targets the spend through the current period against the plan
// (burn-down), each point the adherence function evaluated with the rows up to that moment.

import { targetAdherence, type AdherenceRow } from '../../learning/adherence.ts';
import { periodSpan } from '../../learning/budget/period.ts';
import { utcDay } from '../../store/dashboard-store.ts';
import type { DecisionRecord } from '../../store/store.ts';
import type { GatewayContext } from '../context.ts';
import { MAX_WINDOW_ROWS, readSpan } from './params.ts';

export interface SharePoint {
  day: string;
  requests: number;
  liveShare: number | null;
}
export interface BurnPoint {
  at: number;
  spentUsd: number;
  planUsd: number;
}
export interface TargetsView {
  adherence: AdherenceRow[];
  /** Per router with a target: its strong share per day and the target share (null for budgets). */
  share: Array<{ router: string; target: string; targetShare: number | null; points: SharePoint[] }>;
  /** Per router with a budget target: spend against plan through the current period. */
  burn: Array<{ router: string; target: string; budgetUsd: number; periodStart: number; periodEnd: number; points: BurnPoint[] }>;
  /** True when the window held more rows than were read. */
  truncated: boolean;
}

const BURN_POINTS = 31;
const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

function byDay(rows: readonly DecisionRecord[]): Map<string, DecisionRecord[]> {
  const days = new Map<string, DecisionRecord[]>();
  for (const row of rows) {
    const day = utcDay(row.createdAt);
    const list = days.get(day) ?? [];
    list.push(row);
    days.set(day, list);
  }
  return days;
}

export async function targetsView(ctx: GatewayContext, q: { since: string; until?: string | undefined; router?: string | undefined }, now: number): Promise<TargetsView> {
  const span = readSpan(q, now);
  const routerQuery = q.router ? { router: q.router } : {};
  const rows = await ctx.store.decisions({ since: span.since, until: span.until, ...routerQuery, limit: MAX_WINDOW_ROWS });
  const adherence = targetAdherence(rows, ctx.config, { now: span.until });
  const days = [...byDay(rows).entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  const share = adherence.map((row) => ({
    router: row.router,
    target: row.target,
    targetShare: row.targetShare,
    points: days.map(([day, dayRows]) => {
      const end = Date.parse(`${day}T00:00:00Z`) + 86_400_000;
      const found = targetAdherence(dayRows, ctx.config, { now: Math.min(end, span.until) }).find((a) => a.router === row.router);
      return { day, requests: found?.requests ?? 0, liveShare: found ? finite(found.liveShare) : null };
    }),
  }));
  const burn: TargetsView['burn'] = [];
  for (const row of adherence) {
    if (row.budgetUsd === null) continue;
    // Budget targets come from the config only (model-name suffixes name shares and quality).
    const target = Object.hasOwn(ctx.config.routers, row.router) ? ctx.config.routers[row.router]?.target : undefined;
    if (!target || !('period' in target)) continue;
    const { start, end } = periodSpan(target.period, span.until);
    const periodRows = await ctx.store.decisions({ since: start, until: Math.min(end, span.until), router: row.router, limit: MAX_WINDOW_ROWS });
    const last = Math.min(end, span.until);
    const points: BurnPoint[] = [];
    for (let k = 1; k <= BURN_POINTS; k++) {
      const at = start + ((last - start) * k) / BURN_POINTS;
      const found = targetAdherence(periodRows.filter((r) => r.createdAt < at), ctx.config, { now: at }).find((a) => a.router === row.router);
      if (found?.spentUsd != null && found.planUsd !== null) points.push({ at, spentUsd: found.spentUsd, planUsd: found.planUsd });
    }
    burn.push({ router: row.router, target: row.target, budgetUsd: row.budgetUsd, periodStart: start, periodEnd: end, points });
  }
  return { adherence, share, burn, truncated: rows.length >= MAX_WINDOW_ROWS };
}
