// Target adherence from decision rows: for each router holding a target, the live strong share
// against the target (overall and over the newest `window` requests), and for budgets the spend
// this period against the plan and the cap. Pure: rows and config in, rows of figures out.

import { own } from '../config/lookup.ts';
import type { RouterTarget, TriageConfig } from '../config/types.ts';
import type { DecisionRecord } from '../store/store.ts';
import { periodSpan } from './budget/period.ts';
import { targetFromSuffix } from '../routing/targets.ts';

export interface AdherenceRow {
  router: string;
  target: string;
  requests: number;
  /** Strong share of all counted requests, and of the newest `window` of them. */
  liveShare: number;
  recentShare: number;
  /** strongShare targets: the target share; null otherwise. */
  targetShare: number | null;
  /** Budget targets: spend this period, the plan to date and the cap. */
  spentUsd: number | null;
  planUsd: number | null;
  budgetUsd: number | null;
}

function describe(target: RouterTarget): string {
  if ('strongShare' in target) return `strongShare ${target.strongShare}`;
  if ('budgetUsd' in target) return `budget $${target.budgetUsd}/${target.period} (${target.onExhausted} at cap)`;
  return `quality ${target.quality}`;
}

/** Routers with a target: configured ones, and suffixed names ("default@s30") seen in the rows. */
function targetOf(config: TriageConfig, router: string): RouterTarget | undefined {
  const configured = own(config.routers, router)?.target;
  if (configured) return configured;
  const at = router.indexOf('@');
  const base = at < 0 ? undefined : own(config.routers, router.slice(0, at));
  return base ? targetFromSuffix(base, router.slice(at + 1)) : undefined;
}

export function targetAdherence(rows: readonly DecisionRecord[], config: TriageConfig, options: { now?: number; window?: number } = {}): AdherenceRow[] {
  const now = options.now ?? Date.now();
  const window = options.window ?? 500;
  const byRouter = new Map<string, DecisionRecord[]>();
  for (const row of rows) {
    if (row.kind !== 'chat' || row.router === null || row.tier === null || row.reason === 'rejected' || row.reason === 'budget-exhausted') continue;
    const list = byRouter.get(row.router) ?? [];
    list.push(row);
    byRouter.set(row.router, list);
  }
  const names = new Set([...Object.keys(config.routers), ...byRouter.keys()]);
  const out: AdherenceRow[] = [];
  for (const router of [...names].sort()) {
    const target = targetOf(config, router);
    if (!target) continue;
    const list = [...(byRouter.get(router) ?? [])].sort((a, b) => a.createdAt - b.createdAt);
    const share = (subset: DecisionRecord[]): number => (subset.length === 0 ? Number.NaN : subset.filter((r) => r.tier === 'strong').length / subset.length);
    const row: AdherenceRow = {
      router, target: describe(target), requests: list.length, liveShare: share(list), recentShare: share(list.slice(-window)),
      targetShare: 'strongShare' in target ? target.strongShare : null, spentUsd: null, planUsd: null, budgetUsd: null,
    };
    if ('budgetUsd' in target) {
      const { start, end } = periodSpan(target.period, now);
      row.spentUsd = list.filter((r) => r.createdAt >= start && r.createdAt < end).reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
      row.planUsd = target.budgetUsd * Math.min(1, (now - start) / (end - start));
      row.budgetUsd = target.budgetUsd;
    }
    out.push(row);
  }
  return out;
}
