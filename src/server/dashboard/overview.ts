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

export interface Overview {
  report: UsageReport;
  /** The same window grouped by UTC day, oldest first. */
  daily: UsageReport['groups'];
  tagNames: string[];
}

const TAG_SCAN_ROWS = 2000;
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
  return { report, daily, tagNames: [...names].sort().slice(0, MAX_TAG_NAMES) };
}
