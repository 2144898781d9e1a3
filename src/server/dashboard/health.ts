// Health figures: decision time p50/p99 and scorer fallbacks and upstream errors per provider over
// a window of the log (the same rows /metrics counts as they happen), plus the live state /metrics
// and /healthz show: the log's pending, dropped and failed writes, and each provider's circuit.

import { sortedQuantile } from '../../eval/bootstrap.ts';
import type { GatewayContext } from '../context.ts';
import { MAX_WINDOW_ROWS, readSpan } from './params.ts';

export interface HealthView {
  requests: number;
  decisionMs: { count: number; p50: number | null; p99: number | null };
  /** Requests whose scorer failed or timed out (they went strong), and requests served by a fallback. */
  scorerFallbacks: number;
  fallbacksUsed: number;
  upstreamErrors: Array<{ provider: string; errors: number; requests: number }>;
  log: { pendingRows: number; droppedRows: number; writeFailures: number };
  circuits: Array<{ provider: string; state: string; consecutiveFailures: number; opened: number }>;
  truncated: boolean;
}

const orNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

export async function healthView(ctx: GatewayContext, q: { since: string; until?: string | undefined; router?: string | undefined }, now: number): Promise<HealthView> {
  const span = readSpan(q, now);
  const rows = await ctx.store.decisions({ since: span.since, until: span.until, ...(q.router ? { router: q.router } : {}), limit: MAX_WINDOW_ROWS });
  const times = rows.map((r) => r.decisionMs).filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  const byProvider = new Map<string, { errors: number; requests: number }>();
  for (const row of rows) {
    if (row.provider === null) continue;
    const entry = byProvider.get(row.provider) ?? { errors: 0, requests: 0 };
    entry.requests += 1;
    if (row.status >= 500 || (row.error !== null && row.status >= 400 && row.reason !== 'rejected')) entry.errors += 1;
    byProvider.set(row.provider, entry);
  }
  const breakers = ctx.breakers.snapshot();
  return {
    requests: rows.length,
    decisionMs: { count: times.length, p50: orNull(sortedQuantile(times, 0.5)), p99: orNull(sortedQuantile(times, 0.99)) },
    scorerFallbacks: rows.filter((r) => r.reason.startsWith('scorer-')).length,
    fallbacksUsed: rows.filter((r) => r.fallbackUsed).length,
    upstreamErrors: [...byProvider.entries()].map(([provider, e]) => ({ provider, ...e })).sort((a, b) => b.errors - a.errors || (a.provider < b.provider ? -1 : 1)),
    log: ctx.store.stats(),
    circuits: Object.entries(breakers).map(([provider, b]) => ({ provider, state: b.state, consecutiveFailures: b.consecutiveFailures, opened: b.opened })),
    truncated: rows.length >= MAX_WINDOW_ROWS,
  };
}
