// Reads a window of logged traffic for the calibrators and replay: "7d" (a duration back from now)
// or "20000" (the newest N rows), the router's chat decisions only (dry runs and rejections
// excluded), split into threshold-decided and forced requests, with each request's cost on the
// strong and on the weak model from its logged tokens and the configured prices.

import type { PricePerMTok, Tier } from '../config/types.ts';
import { costUsd } from '../routing/cost.ts';
import type { DecisionRecord, DecisionStore } from '../store/store.ts';
import type { CostSample } from './calibrate/budget.ts';
import type { ShareWindow } from './calibrate/share.ts';

export type WindowSpec = { kind: 'duration'; ms: number; spec: string } | { kind: 'rows'; count: number; spec: string };

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

export function parseWindow(value: string): WindowSpec {
  const duration = /^(\d+)([mhdw])$/.exec(value);
  if (duration) return { kind: 'duration', ms: Number(duration[1]) * (UNIT_MS[duration[2]!] ?? 0), spec: value };
  if (/^\d+$/.test(value) && Number(value) > 0) return { kind: 'rows', count: Number(value), spec: value };
  throw new Error(`window must be a duration (30m, 24h, 7d, 2w) or a number of requests (20000), got "${value}"`);
}

/** True when the threshold decided the row (a score compared with it, exploration's flips included), not a rule or a fallback. */
export function decidedByThreshold(row: Pick<DecisionRecord, 'reason' | 'score'>): boolean {
  return row.score !== null && /^(explore:)?score(>=|<)threshold/.test(row.reason);
}

/** The tier the router chose before any retry on the other model. */
function chosenTier(row: DecisionRecord): Tier | null {
  if (row.tier === null) return null;
  if (!row.reason.includes('; retried on ')) return row.tier;
  return row.tier === 'strong' ? 'weak' : 'strong';
}

export interface TrafficWindow {
  rows: DecisionRecord[];
  since: number | null;
  until: number | null;
  /** Length covered, in ms (at least 1). */
  spanMs: number;
}

/**
 * With `withTargetNames`, also the router's model-name targets ("default@s30", "default@b500m"):
 * the same scorer decided them, so their scores and labels are comparable.
 */
export async function readWindow(store: DecisionStore, router: string, window: WindowSpec, now = Date.now(), options: { withTargetNames?: boolean } = {}): Promise<TrafficWindow> {
  const since = window.kind === 'duration' ? now - window.ms : undefined;
  const all = options.withTargetNames
    ? (await store.decisions(since === undefined ? {} : { since })).filter((row) => row.router === router || row.router?.startsWith(`${router}@`) === true)
    : await store.decisions({ router, ...(since === undefined ? {} : { since }) });
  const chat = all.filter((row) => row.kind === 'chat' && row.reason !== 'rejected' && row.reason !== 'budget-exhausted' && row.tier !== null);
  const rows = window.kind === 'rows' ? chat.slice(0, window.count) : chat;
  const oldest = rows[rows.length - 1]?.createdAt ?? null;
  const newest = rows[0]?.createdAt ?? null;
  const spanMs = window.kind === 'duration' ? window.ms : Math.max(1, (newest ?? 0) - (oldest ?? 0));
  return { rows, since: since ?? oldest, until: window.kind === 'duration' ? now : newest, spanMs };
}

export function shareWindowOf(rows: readonly DecisionRecord[]): ShareWindow {
  const scores: number[] = [];
  let forcedStrong = 0;
  let forcedWeak = 0;
  for (const row of rows) {
    if (decidedByThreshold(row)) scores.push(row.score as number);
    else if (chosenTier(row) === 'strong') forcedStrong++;
    else forcedWeak++;
  }
  return { scores, forcedStrong, forcedWeak };
}

export function costSamplesOf(rows: readonly DecisionRecord[], prices: Record<Tier, PricePerMTok>): CostSample[] {
  return rows.map((row) => {
    const usage = { promptTokens: row.promptTokens ?? 0, completionTokens: row.completionTokens ?? 0, cachedTokens: row.cachedTokens ?? 0 };
    const byThreshold = decidedByThreshold(row);
    return {
      score: byThreshold ? row.score : null,
      forced: byThreshold ? null : chosenTier(row),
      strongCostUsd: costUsd(usage, prices.strong),
      weakCostUsd: costUsd(usage, prices.weak),
    };
  });
}

/** Spend of the samples at a threshold, and all-strong, scaled by `scale` (period ÷ window). */
export function spendAt(samples: readonly CostSample[], threshold: number, scale: number): { routed: number; allStrong: number; strongShare: number } {
  let routed = 0;
  let allStrong = 0;
  let strong = 0;
  for (const s of samples) {
    const tier = s.forced ?? ((s.score as number) >= threshold ? 'strong' : 'weak');
    routed += tier === 'strong' ? s.strongCostUsd : s.weakCostUsd;
    allStrong += s.forced === 'weak' ? s.weakCostUsd : s.strongCostUsd;
    if (tier === 'strong') strong++;
  }
  return { routed: routed * scale, allStrong: allStrong * scale, strongShare: samples.length === 0 ? Number.NaN : strong / samples.length };
}
