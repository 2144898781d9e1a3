// Replay: what another threshold, strong share or scorer model would have done on logged traffic.
// Re-thresholds the logged scores (or re-scores the logged feature vectors, or the logged text
// when prompts are logged, with another learned model), re-prices every request at the tier it
// would have taken, and sets the result beside what actually happened. Where labels exist (a
// labelled file, else the log's label sources: feedback outcomes) it also gives quality retained
// and PGR with a 95% bootstrap interval, and a curve of cost and quality against strong share.

import type { PricePerMTok, Tier } from '../config/types.ts';
import { costUsd } from '../routing/cost.ts';
import type { LearnedScorer } from '../scoring/learned.ts';
import type { DecisionRecord, DecisionStore } from '../store/store.ts';
import { calibrateQuality, type LabelledScores, type QualityCalibration, type QualityPoint } from './calibrate/quality.ts';
import { calibrateShare } from './calibrate/share.ts';
import type { LabelSource } from './log-labels/label-source.ts';
import { labelledScoresOf, readLogLabels } from './log-labels/from-log.ts';
import { logLabelSources } from './log-labels/sources.ts';
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
  /** A labelled file, already scored by the scorer in use (the router's, or `scorer`). */
  labels?: LabelledScores & { strongModel: string; weakModel: string; path: string };
  /** Label sources in the log, used when no file is given (default: log-labels/sources.ts). */
  labelSources?: readonly LabelSource[];
  /** The router's model aliases, to name them beside log-label quality figures. */
  modelNames?: { strong: string; weak: string };
  resamples?: number;
}

export interface ReplayQuality {
  source: 'file' | 'log';
  /** Labelled prompts behind the figures (log: labelled rows that have a replayed score). */
  samples: number;
  strongModel: string;
  weakModel: string;
  /** The file's path, or null for labels from the log. */
  path: string | null;
  /** Quality retained and PGR at the tiers that served (log labels only). */
  actual: { retained: number; pgr: number | null } | null;
  /** At the replayed threshold, with the 95% bootstrap interval of quality retained. */
  projected: { strongShare: number; retained: number; pgr: number | null; low: number; high: number };
}

export interface ReplayCurvePoint {
  strongShare: number;
  costUsd: number;
  /** Quality retained and its interval at this point; null without labels. */
  quality: { retained: number; low: number; high: number } | null;
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
  quality: ReplayQuality | null;
  /** Cost (and quality) at every 5% of strong share, for the curve. */
  curve: ReplayCurvePoint[];
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

  const project = (at: number): { cost: number; strong: number } => {
    let cost = 0;
    let strong = 0;
    rows.forEach((row, i) => {
      const score = scores[i];
      // Forced rows (mode, task type, fallback) and rows the other model could not score keep their logged tier.
      const tier: Tier = score === null || score === undefined ? (row.tier ?? 'strong') : score >= at ? 'strong' : 'weak';
      cost += costUsd(usageOf(row), options.prices[tier]);
      if (tier === 'strong') strong++;
    });
    return { cost, strong };
  };
  const { cost: projectedCost, strong: projectedStrong } = project(threshold);
  let allStrong = 0;
  let actualCost = 0;
  let actualStrong = 0;
  for (const row of rows) {
    allStrong += costUsd(usageOf(row), options.prices.strong);
    actualCost += row.costUsd ?? 0;
    if (row.tier === 'strong') actualStrong++;
  }
  const n = rows.length;

  const scoreOf = new Map(rows.map((row, i) => [row.id, scores[i] ?? null]));
  const labelled = await replayLabels(options, rows, (row) => scoreOf.get(row.id) ?? null);
  const fit = labelled && labelled.set.scores.length > 0 ? calibrateQuality(labelled.set, 1, { resamples: options.resamples ?? 1000, seed: 1 }) : null;
  const qualityAt = (at: number): QualityPoint | null => (fit && labelled ? pointAt(fit, labelled.set.scores, at) : null);
  const chosen = qualityAt(threshold);
  const quality: ReplayQuality | null =
    labelled && fit && chosen
      ? {
          source: labelled.source, samples: labelled.set.scores.length, strongModel: labelled.strongModel, weakModel: labelled.weakModel, path: labelled.path,
          actual: labelled.servedStrong ? actualQuality(labelled.set, labelled.servedStrong) : null,
          projected: { strongShare: chosen.strongShare, retained: chosen.retained, pgr: finiteOrNull(chosen.pgr), low: chosen.interval.low, high: chosen.interval.high },
        }
      : null;
  const shares = { ...shareWindowOf(rows), scores: scores.filter((s): s is number => s !== null) };
  const curve: ReplayCurvePoint[] = [];
  for (let k = 0; k <= 20; k++) {
    const at = calibrateShare(shares, k / 20).threshold;
    const point = project(at);
    const q = qualityAt(at);
    curve.push({ strongShare: point.strong / n, costUsd: point.cost, quality: q ? { retained: q.retained, low: q.interval.low, high: q.interval.high } : null });
  }
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
    quality,
    curve,
  };
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** The operating point of a quality fit that a threshold lands on (scores at or above it go strong). */
function pointAt(fit: QualityCalibration, scores: readonly number[], threshold: number): QualityPoint | null {
  const strongCount = scores.filter((s) => s >= threshold).length;
  const point = fit.curve.find((p) => Math.round(p.strongShare * scores.length) === strongCount);
  return point ? { ...point, threshold } : null;
}

interface ReplayLabels {
  source: 'file' | 'log';
  set: LabelledScores;
  strongModel: string;
  weakModel: string;
  path: string | null;
  /** For log labels: whether each labelled row was served by the strong model. */
  servedStrong: boolean[] | null;
}

async function replayLabels(options: ReplayOptions, rows: DecisionRecord[], scoreOf: (row: DecisionRecord) => number | null): Promise<ReplayLabels | null> {
  if (options.labels) {
    const { strongModel, weakModel, path } = options.labels;
    return { source: 'file', set: options.labels, strongModel, weakModel, path, servedStrong: null };
  }
  const found = await readLogLabels(rows, options.labelSources ?? logLabelSources({ store: options.store }));
  const set = labelledScoresOf(found, scoreOf);
  if (set.scores.length === 0) return null;
  const tierOf = new Map(found.labelled.map((l) => [l.row.id, l.row.tier]));
  const names = options.modelNames ?? { strong: 'the strong model', weak: 'the weak model' };
  return { source: 'log', set, strongModel: names.strong, weakModel: names.weak, path: null, servedStrong: set.ids.map((id) => tierOf.get(id) === 'strong') };
}

/** Quality retained and PGR of the tiers that served the labelled rows. */
function actualQuality(set: LabelledScores, servedStrong: readonly boolean[]): { retained: number; pgr: number | null } {
  let routed = 0;
  let strongSum = 0;
  let weakSum = 0;
  set.scores.forEach((_, i) => {
    const strong = set.strong[i] as number;
    const weak = set.weak[i] as number;
    routed += servedStrong[i] ? strong : weak;
    strongSum += strong;
    weakSum += weak;
  });
  return { retained: routed / strongSum, pgr: finiteOrNull((routed - weakSum) / (strongSum - weakSum)) };
}
