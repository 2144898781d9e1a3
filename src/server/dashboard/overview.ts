// Overview figures: the same usage report `triage report` prints (routing/usage-report.ts), for a
// chosen grouping and window, plus the per-day report of the same window as a time series, and
// the tag names seen recently (so the page can offer "per tag value").

import type { GatewayContext } from '../context.ts';
import { usageReport, type UsageReport } from '../../routing/usage-report.ts';
import { readGroupBy, readSpan } from './params.ts';

export interface OverviewQuery {
  since: string;
  until?: string | undefined;
  router?: string | undefined;
  by: string;
  top: number;
}

export interface GroupSeries {
  /** UTC days, oldest first, and the biggest groups (by tokens over the window). */
  days: string[];
  keys: string[];
  /** tokens[k][d] and costUsd[k][d]: group k on day d (0 when it had no call). */
  tokens: number[][];
  costUsd: number[][];
}

export interface Overview {
  report: UsageReport;
  /** The same window grouped by UTC day, oldest first. */
  daily: UsageReport['groups'];
  /** The biggest groups per day (windows up to MAX_SERIES_DAYS long; null beyond). */
  groupSeries: GroupSeries | null;
  tagNames: string[];
}

const TAG_SCAN_ROWS = 2000;
const MAX_SERIES_DAYS = 62;
const SERIES_GROUPS = 6;
const DAY_MS = 86_400_000;

/** The report of each UTC day of the window, grouped as asked: one report per day, the same call. */
async function groupSeries(ctx: GatewayContext, report: UsageReport, groupBy: ReturnType<typeof readGroupBy>, span: { since: number; until: number }, router: string | undefined): Promise<GroupSeries | null> {
  if (span.until - span.since > MAX_SERIES_DAYS * DAY_MS) return null;
  const keys = report.groups.slice(0, SERIES_GROUPS).map((g) => g.key);
  const days: string[] = [];
  const tokens = keys.map((): number[] => []);
  const costUsd = keys.map((): number[] => []);
  for (let start = Math.floor(span.since / DAY_MS) * DAY_MS; start < span.until; start += DAY_MS) {
    const query = { since: Math.max(start, span.since), until: Math.min(start + DAY_MS, span.until), ...(router ? { router } : {}) };
    const day = await usageReport(ctx.store, ctx.config, { groupBy, query });
    days.push(new Date(start).toISOString().slice(0, 10));
    keys.forEach((key, k) => {
      const group = day.groups.find((g) => g.key === key);
      tokens[k]!.push(group?.totalTokens ?? 0);
      costUsd[k]!.push(group?.costUsd ?? 0);
    });
  }
  return { days, keys, tokens, costUsd };
}
const MAX_TAG_NAMES = 50;

export async function overview(ctx: GatewayContext, q: OverviewQuery, now: number): Promise<Overview> {
  const span = readSpan(q, now);
  const groupBy = readGroupBy(q.by);
  const query = { since: span.since, until: span.until, ...(q.router ? { router: q.router } : {}) };
  const report = await usageReport(ctx.store, ctx.config, { groupBy, query, top: q.top });
  const byDay = await usageReport(ctx.store, ctx.config, { groupBy: { dimension: 'day' }, query });
  const daily = [...byDay.groups].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const names = new Set<string>();
  for (const row of await ctx.store.decisions({ ...query, limit: TAG_SCAN_ROWS })) for (const tag of Object.keys(row.tags)) names.add(tag);
  const series = await groupSeries(ctx, report, groupBy, span, q.router);
  return { report, daily, groupSeries: series, tagNames: [...names].sort().slice(0, MAX_TAG_NAMES) };
}
