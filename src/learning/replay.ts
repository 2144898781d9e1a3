// Replay: what another threshold, strong share or scorer model would have done on logged traffic.
// Re-thresholds the logged scores (or re-scores the logged feature vectors, or the logged text
// when prompts are logged, with another learned model), re-prices every request at the tier it
// would have taken, and sets the result beside what actually happened.

import type { PricePerMTok, Tier } from '../config/types.ts';
import { costUsd } from '../routing/cost.ts';
import type { LearnedScorer } from '../scoring/learned.ts';
import type { DecisionRecord, DecisionStore } from '../store/store.ts';
import { calibrateShare } from './calibrate/share.ts';
import { decidedByThreshold, readWindow, shareWindowOf, type WindowSpec } from './window.ts';

export type ReplayPolicy = { kind: 'threshold'; threshold: number } | { kind: 'strongShare'; strongShare: number };

export interface ReplayOptions {
  store: DecisionStore;
  routerName: string;
  window: WindowSpec;
  policy: ReplayPolicy;
  prices: Record<Tier, PricePerMTok>;
  /** Re-score with this learned model instead of using the logged scores. */
  scorer?: LearnedScorer;
  now?: number;
}

export interface ReplayFigures {
  requests: number;
  strongShare: number;
  costUsd: number;
}

export interface ReplayResult {
  router: string;
  threshold: number;
  /** What the log says happened (cost as logged). */
  actual: ReplayFigures;
  /** What the policy would have done (cost at the given prices). */
  projected: ReplayFigures;
  /** Every request on the strong model, at the given prices. */
  allStrongCostUsd: number;
  savingUsd: number;
  savingShare: number;
  /** Rows the other model re-scored, and rows it could not (no matching vector, no text): kept as logged. */
  rescored: number;
  notRescorable: number;
}

function usageOf(row: DecisionRecord) {
  return { promptTokens: row.promptTokens ?? 0, completionTokens: row.completionTokens ?? 0, cachedTokens: row.cachedTokens ?? 0 };
}

async function rescore(rows: DecisionRecord[], scorer: LearnedScorer): Promise<{ scores: (number | null)[]; rescored: number }> {
  const scores: (number | null)[] = rows.map(() => null);
  const byVector: number[] = [];
  for (const [i, row] of rows.entries()) if (decidedByThreshold(row) && row.features?.layout === scorer.layoutId) byVector.push(i);
  const vectorScores = await scorer.scoreVectors(byVector.map((i) => rows[i]!.features!.vector));
  byVector.forEach((i, k) => (scores[i] = vectorScores[k] ?? null));
  let rescored = byVector.length;
  for (const [i, row] of rows.entries()) {
    if (scores[i] !== null || !decidedByThreshold(row) || row.promptText === null) continue;
    scores[i] = (await scorer.score({ model: 'triage', messages: [{ role: 'user', content: row.promptText }] })).score;
    rescored++;
  }
  return { scores, rescored };
}

export async function runReplay(options: ReplayOptions): Promise<ReplayResult> {
  const window = await readWindow(options.store, options.routerName, options.window, options.now);
  const rows = window.rows;
  if (rows.length === 0) throw new Error(`no logged chat traffic for router "${options.routerName}" in the window (${options.window.spec})`);
  let scores: (number | null)[] = rows.map((row) => (decidedByThreshold(row) ? row.score : null));
  let rescored = 0;
  let notRescorable = 0;
  if (options.scorer) {
    const fresh = await rescore(rows, options.scorer);
    rescored = fresh.rescored;
    notRescorable = rows.filter((row, i) => decidedByThreshold(row) && fresh.scores[i] === null).length;
    // A row the other model cannot score keeps its logged tier (score null), never the old model's score.
    scores = fresh.scores;
  }
  const threshold =
    options.policy.kind === 'threshold'
      ? options.policy.threshold
      : calibrateShare({ ...shareWindowOf(rows), scores: scores.filter((s): s is number => s !== null) }, options.policy.strongShare).threshold;

  let projectedCost = 0;
  let projectedStrong = 0;
  let allStrong = 0;
  let actualCost = 0;
  let actualStrong = 0;
  rows.forEach((row, i) => {
    const usage = usageOf(row);
    const score = scores[i];
    // Forced rows (mode, task type, fallback) and rows the other model could not score keep their logged tier.
    const tier: Tier = score === null || score === undefined ? (row.tier ?? 'strong') : score >= threshold ? 'strong' : 'weak';
    projectedCost += costUsd(usage, options.prices[tier]);
    if (tier === 'strong') projectedStrong++;
    allStrong += costUsd(usage, options.prices.strong);
    actualCost += row.costUsd ?? 0;
    if (row.tier === 'strong') actualStrong++;
  });
  const n = rows.length;
  return {
    router: options.routerName,
    threshold,
    actual: { requests: n, strongShare: actualStrong / n, costUsd: actualCost },
    projected: { requests: n, strongShare: projectedStrong / n, costUsd: projectedCost },
    allStrongCostUsd: allStrong,
    savingUsd: allStrong - projectedCost,
    savingShare: allStrong > 0 ? (allStrong - projectedCost) / allStrong : 0,
    rescored,
    notRescorable,
  };
}
