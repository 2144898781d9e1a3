// The usage report behind `triage report` (and any other view of the log, e.g. a dashboard's JSON
// API): usage cells from the store in, a typed summary out. Spend, tokens and strong share per
// group, and the all-strong counterfactual priced from the config. Only upstream calls count as
// requests; /v1/route dry runs and rejected requests are reported on their own.

import { z } from 'zod';
import type { PricePerMTok, RouterConfig, TriageConfig } from '../config/types.ts';
import type { DecisionQuery, DecisionStore, UsageCell, UsageGroupBy } from '../store/store.ts';
import { costUsd } from './cost.ts';
import { resolveTarget } from './targets.ts';

const count = z.number().int().nonnegative();
/** Token sums: whatever the log holds (a bad row must not make the report unreadable). */
const tokens = z.number();
const usd = z.number();

/** Figures over a set of upstream calls. */
export const UsageFiguresSchema = z.object({
  requests: count,
  promptTokens: tokens,
  cachedTokens: tokens,
  completionTokens: tokens,
  /** promptTokens + completionTokens: what groups are sorted by. */
  totalTokens: tokens,
  costUsd: usd,
  /** The same tokens priced on each router's strong model; pass-through calls at their own cost. */
  allStrongCostUsd: usd,
  savingUsd: usd,
  /** savingUsd as a percentage of allStrongCostUsd; null when that is 0. */
  savingPct: z.number().nullable(),
  /** Calls decided by a router (pass-through calls named a model and have no tier choice). */
  routedRequests: count,
  strongRequests: count,
  /** strongRequests / routedRequests; null when nothing was routed. */
  strongShare: z.number().nullable(),
  passthroughRequests: count,
  /** Routed calls whose router is not in the config: counted at their own cost on both sides. */
  unpricedRequests: count,
});
export type UsageFigures = z.infer<typeof UsageFiguresSchema>;

export const UsageGroupSchema = z.object({ key: z.string(), ...UsageFiguresSchema.shape });
export type UsageGroup = z.infer<typeof UsageGroupSchema>;

export const UsageReportSchema = z.object({
  window: z.object({
    /** Inclusive lower bound (ISO time), or null for the start of the log. */
    since: z.string().nullable(),
    /** Exclusive upper bound (ISO time), or null for now. */
    until: z.string().nullable(),
    router: z.string().nullable(),
  }),
  /** "model", "router", "mode", "task", "day" (UTC) or "tag:<name>". */
  groupBy: z.string(),
  upstream: UsageFiguresSchema,
  dryRuns: z.object({ requests: count, routedRequests: count, strongRequests: count, strongShare: z.number().nullable() }),
  rejected: z.object({ requests: count }),
  /** Groups with at least one upstream call, most tokens first (ties: higher cost, then key). */
  groups: z.array(UsageGroupSchema),
  /** The groups beyond the `top` cut, added up; null when none were cut. */
  otherGroups: z.object({ groups: count, ...UsageFiguresSchema.shape }).nullable(),
});
export type UsageReport = z.infer<typeof UsageReportSchema>;

/** The strong model (alias and price) a router would have used, or undefined for an unknown router. */
export type StrongPricing = (router: string) => { alias: string; price: PricePerMTok } | undefined;

/** A logged router name's config: a configured router, or a name the gateway resolves (RouteLLM's router-random-0.3). */
function routerNamed(config: TriageConfig, name: string): RouterConfig | undefined {
  if (Object.hasOwn(config.routers, name)) return config.routers[name];
  try {
    const target = resolveTarget(config, name);
    return target.kind === 'router' ? target.router : undefined;
  } catch {
    return undefined;
  }
}

export function strongPricingFrom(config: TriageConfig): StrongPricing {
  const known = new Map<string, ReturnType<StrongPricing>>();
  return (name) => {
    if (known.has(name)) return known.get(name);
    const router = routerNamed(config, name);
    const model = router && Object.hasOwn(config.models, router.strong) ? config.models[router.strong] : undefined;
    const pricing = router && model ? { alias: router.strong, price: model.pricePerMTok } : undefined;
    known.set(name, pricing);
    return pricing;
  };
}

export function groupByLabel(groupBy: UsageGroupBy): string {
  return groupBy.dimension === 'tag' ? `tag:${groupBy.tag}` : groupBy.dimension;
}

type Tally = Omit<UsageFigures, 'totalTokens' | 'savingUsd' | 'savingPct' | 'strongShare'>;

const emptyTally = (): Tally => ({
  requests: 0, promptTokens: 0, cachedTokens: 0, completionTokens: 0, costUsd: 0, allStrongCostUsd: 0,
  routedRequests: 0, strongRequests: 0, passthroughRequests: 0, unpricedRequests: 0,
});

/** What one upstream cell would have cost on its router's strong model, and whether it could be priced. */
function allStrongCost(cell: UsageCell, pricing: StrongPricing): { usd: number; priced: boolean } {
  if (cell.router === null) return { usd: cell.costUsd, priced: true };
  const strong = pricing(cell.router);
  if (!strong) return { usd: cell.costUsd, priced: false };
  // Calls the strong model already served cost what they cost.
  if (cell.modelAlias === strong.alias) return { usd: cell.costUsd, priced: true };
  return { usd: costUsd(cell, strong.price), priced: true };
}

function addCell(tally: Tally, cell: UsageCell, pricing: StrongPricing): void {
  tally.requests += cell.requests;
  tally.promptTokens += cell.promptTokens;
  tally.cachedTokens += cell.cachedTokens;
  tally.completionTokens += cell.completionTokens;
  tally.costUsd += cell.costUsd;
  const strong = allStrongCost(cell, pricing);
  tally.allStrongCostUsd += strong.usd;
  if (!strong.priced) tally.unpricedRequests += cell.requests;
  if (cell.router === null) {
    tally.passthroughRequests += cell.requests;
    return;
  }
  tally.routedRequests += cell.requests;
  if (cell.tier === 'strong') tally.strongRequests += cell.requests;
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

function finish(tally: Tally): UsageFigures {
  const savingUsd = tally.allStrongCostUsd - tally.costUsd;
  return {
    ...tally,
    totalTokens: tally.promptTokens + tally.completionTokens,
    savingUsd,
    savingPct: tally.allStrongCostUsd > 0 ? (savingUsd / tally.allStrongCostUsd) * 100 : null,
    strongShare: ratio(tally.strongRequests, tally.routedRequests),
  };
}

/** Group keys are unique (they key a Map), so two never compare equal. */
const byKey = (a: string, b: string): number => (a < b ? -1 : 1);

export interface UsageReportOptions {
  groupBy: UsageGroupBy;
  pricing: StrongPricing;
  /** The query the cells were read with (for the report's window line). */
  query?: DecisionQuery;
  /** Keep this many groups and add up the rest in otherGroups (default: keep all). */
  top?: number;
}

/** Builds the report from usage cells (from either store, or usage-cells.ts over rows in memory). */
export function buildUsageReport(cellsIn: Iterable<UsageCell>, options: UsageReportOptions): UsageReport {
  const cells = [...cellsIn];
  const upstream = emptyTally();
  const groups = new Map<string, Tally>();
  const dryRuns = { requests: 0, routedRequests: 0, strongRequests: 0 };
  let rejected = 0;
  for (const cell of cells) {
    if (cell.requestClass === 'rejected') {
      rejected += cell.requests;
    } else if (cell.requestClass === 'dry-run') {
      dryRuns.requests += cell.requests;
      if (cell.router !== null) dryRuns.routedRequests += cell.requests;
      if (cell.router !== null && cell.tier === 'strong') dryRuns.strongRequests += cell.requests;
    } else {
      addCell(upstream, cell, options.pricing);
      const group = groups.get(cell.key) ?? emptyTally();
      addCell(group, cell, options.pricing);
      groups.set(cell.key, group);
    }
  }
  const sorted = [...groups.entries()]
    .map(([key, tally]) => ({ key, ...finish(tally) }))
    .sort((a, b) => b.totalTokens - a.totalTokens || b.costUsd - a.costUsd || byKey(a.key, b.key));
  const top = options.top !== undefined && options.top > 0 ? options.top : sorted.length;
  const cut = sorted.slice(top);
  let otherGroups: UsageReport['otherGroups'] = null;
  if (cut.length > 0) {
    const cutKeys = new Set(cut.map((group) => group.key));
    const rest = emptyTally();
    for (const cell of cells) if (cell.requestClass === 'upstream' && cutKeys.has(cell.key)) addCell(rest, cell, options.pricing);
    otherGroups = { groups: cut.length, ...finish(rest) };
  }
  const query = options.query ?? {};
  // Parsing puts every object's keys in the schema's order, and proves the shape.
  return UsageReportSchema.parse({
    window: {
      since: query.since === undefined ? null : new Date(query.since).toISOString(),
      until: query.until === undefined ? null : new Date(query.until).toISOString(),
      router: query.router ?? null,
    },
    groupBy: groupByLabel(options.groupBy),
    upstream: finish(upstream),
    dryRuns: { ...dryRuns, strongShare: ratio(dryRuns.strongRequests, dryRuns.routedRequests) },
    rejected: { requests: rejected },
    groups: sorted.slice(0, top),
    otherGroups,
  });
}

/** Reads the cells from a store and builds the report: the one call a view of the log makes. */
export async function usageReport(
  store: DecisionStore,
  config: TriageConfig,
  options: { groupBy: UsageGroupBy; query?: DecisionQuery; top?: number },
): Promise<UsageReport> {
  const cells = await store.usageBreakdown(options.groupBy, options.query ?? {});
  return buildUsageReport(cells, { ...options, pricing: strongPricingFrom(config) });
}
