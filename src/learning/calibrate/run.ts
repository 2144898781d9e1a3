// One calibration, end to end, for the CLI and the cron script: read the window of logged
// traffic (or a labelled file), fit the threshold to the target with the pure calibrators,
// project cost per period and quality retained, draw the curve, and store a versioned calibration.
// Labels come from the labelled file when one is given, else from the log's label sources
// (feedback outcomes; see log-labels/): a quality target needs enough of them, other targets
// show quality retained when there are enough.

import { randomUUID } from 'node:crypto';
import type { BudgetPeriod, RouterConfig, Tier, TriageConfig, PricePerMTok } from '../../config/types.ts';
import { evaluateScores } from '../../eval/evaluate-router.ts';
import { costCurveSvg, costQualitySvg } from '../../eval/svg.ts';
import type { ScorerPool } from '../../scoring/pool.ts';
import type { Calibration, CalibrationTarget, LearningStore } from '../../store/learning-store.ts';
import type { DecisionStore } from '../../store/store.ts';
import { PERIOD_MS } from '../budget/period.ts';
import { loadLabelledSet } from '../labels.ts';
import type { LabelSource } from '../log-labels/label-source.ts';
import { labelledScoresOf, readLogLabels, requireLogLabels, type LogLabels } from '../log-labels/from-log.ts';
import { logLabelSources } from '../log-labels/sources.ts';
import { costSamplesOf, readWindow, shareWindowOf, spendAt, type WindowSpec } from '../window.ts';
import { calibrateBudget } from './budget.ts';
import { calibrateQuality, qualityAtThreshold, type LabelledScores, type QualityPoint } from './quality.ts';
import { calibrateShare } from './share.ts';
import { scoreSnapshot } from '../drift/stats.ts';

export interface CalibrateOptions {
  config: TriageConfig;
  routerName: string;
  target: CalibrationTarget;
  window: WindowSpec;
  store: DecisionStore & LearningStore;
  scorers: ScorerPool;
  labels?: { path: string; strongLabel?: string; weakLabel?: string; split?: 'train' | 'test' };
  /** Period for cost projections when the target is not a budget (default month). */
  period?: BudgetPeriod;
  dryRun?: boolean;
  now?: number;
  resamples?: number;
  /** Where labels in the log come from (default: every source in log-labels/sources.ts). */
  labelSources?: readonly LabelSource[];
  /** Fewest labelled log rows a quality calibration accepts (default MIN_LOG_LABELS). */
  minLabels?: number;
}

/** Labels with their origin: a labelled file, or outcomes in the log. */
export interface QualityLabels extends LabelledScores {
  origin: 'file' | 'log';
  strongModel: string;
  weakModel: string;
  scorer: string | null;
  /** The labelled file, or null for log labels. */
  path: string | null;
  /** For log labels: how many said strong_needed / weak_ok. */
  strongNeeded: number | null;
  weakOk: number | null;
}

/** Summary of the labels behind a run's quality figures. */
export interface RunLabels {
  source: 'file' | 'log';
  strongModel: string;
  weakModel: string;
  samples: number;
  strongNeeded: number | null;
  weakOk: number | null;
}

export interface CalibrationRun {
  calibration: Calibration;
  saved: boolean;
  /** Savings against all-strong over the period, in USD and as a fraction (null without cost data). */
  savingUsd: number | null;
  savingShare: number | null;
  labels: RunLabels | null;
  svg: string;
  notes: string[];
}

function routerOf(config: TriageConfig, name: string): RouterConfig {
  const router = config.routers[name];
  if (!router) throw new Error(`no router named "${name}" (known: ${Object.keys(config.routers).join(', ')})`);
  return router;
}

function pricesOf(config: TriageConfig, router: RouterConfig): Record<Tier, PricePerMTok> {
  const strong = config.models[router.strong];
  const weak = config.models[router.weak];
  if (!strong || !weak) throw new Error('router names an unknown model');
  return { strong: strong.pricePerMTok, weak: weak.pricePerMTok };
}

export async function runCalibration(options: CalibrateOptions): Promise<CalibrationRun> {
  const { config, routerName, target, store } = options;
  const router = routerOf(config, routerName);
  const now = options.now ?? Date.now();
  const notes: string[] = [];
  const window = await readWindow(store, routerName, options.window, now);
  const labels: QualityLabels | null = options.labels
    ? { ...(await loadLabelledSet(options.labels.path, router, options.scorers, options.labels)), origin: 'file', strongNeeded: null, weakOk: null }
    : await logQualityLabels(options, router, (await readWindow(store, routerName, options.window, now, { withTargetNames: true })).rows, notes);
  const period: BudgetPeriod = target.kind === 'budget' ? target.period : (options.period ?? 'month');
  const samples = costSamplesOf(window.rows, pricesOf(config, router));
  const hasTraffic = window.rows.length > 0;
  const hasScores = shareWindowOf(window.rows).scores.length > 0;
  if (!hasTraffic) notes.push(`no logged traffic for router "${routerName}" in the window (${options.window.spec})${labels?.path ? `; calibrating on ${labels.path}` : ''}`);
  const scale = PERIOD_MS[period] / window.spanMs;
  const bootstrap = { resamples: options.resamples ?? 1000, seed: 1 };

  let threshold: number;
  let expectedShare: number;
  let quality: QualityPoint | null = null;
  let sourceSamples: number;
  let fromLabels = false;
  switch (target.kind) {
    case 'strongShare': {
      if (hasScores) {
        const fit = calibrateShare(shareWindowOf(window.rows), target.strongShare);
        ({ threshold, expectedShare } = fit);
        sourceSamples = fit.samples;
      } else if (labels?.origin === 'file') {
        const fit = calibrateShare({ scores: labels.scores, forcedStrong: 0, forcedWeak: 0 }, target.strongShare);
        ({ threshold, expectedShare } = fit);
        sourceSamples = fit.samples;
        fromLabels = true;
      } else {
        throw new Error(`no scored traffic for router "${routerName}" in the window (${options.window.spec}): send traffic first, widen --window, or give --labels FILE`);
      }
      break;
    }
    case 'budget': {
      if (!hasTraffic) throw new Error(`a budget calibration needs logged traffic (token counts and request rate); none for router "${routerName}" in the window (${options.window.spec})`);
      const fit = calibrateBudget({ samples, windowMs: window.spanMs, periodMs: PERIOD_MS[period], budgetUsd: target.budgetUsd });
      ({ threshold, expectedShare } = fit);
      sourceSamples = fit.samples;
      if (!fit.fits) notes.push(`even sending every scored request weak is projected at $${fit.projectedCostUsd.toFixed(2)} per ${period}: over the budget`);
      break;
    }
    case 'quality': {
      // Without --labels, logQualityLabels has already thrown when the log holds too few labels.
      if (!labels) throw new Error('a quality calibration needs labels: give --labels FILE.jsonl (the normalised labelled format)');
      const fit = calibrateQuality(labels, target.quality, { confidence: target.confidence, ...bootstrap });
      threshold = fit.threshold;
      quality = fit;
      fromLabels = labels.origin === 'file';
      sourceSamples = fit.samples;
      // The share that matters live is the one on logged traffic, when there is some.
      expectedShare = hasScores ? spendAt(samples.filter((s) => s.score !== null || s.forced !== null), threshold, 1).strongShare : fit.strongShare;
      break;
    }
  }
  if (labels && !quality) quality = qualityAtThreshold(labels, threshold, bootstrap);

  const spend = hasTraffic ? spendAt(samples, threshold, scale) : null;
  // The live scores of the window (the labels' scores when there is no traffic), for drift checks later (triage drift).
  const windowScores = shareWindowOf(window.rows).scores;
  const snapshot = scoreSnapshot(windowScores.length > 0 ? windowScores : (labels?.scores ?? []));
  const calibration: Calibration = {
    ...(snapshot ? { scoreSnapshot: snapshot } : {}),
    id: `cal_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
    router: routerName,
    createdAt: now,
    target,
    threshold,
    scorer: labels?.scorer ?? window.rows.find((r) => r.scorer)?.scorer ?? null,
    window: fromLabels
      ? { source: 'labels', samples: sourceSamples, since: null, until: null, spec: labels?.path ?? '' }
      : { source: 'log', samples: sourceSamples, since: window.since, until: window.until, spec: options.window.spec },
    expectedShare,
    period: spend ? period : null,
    projectedCostUsd: spend?.routed ?? null,
    allStrongCostUsd: spend?.allStrong ?? null,
    qualityRetained: quality?.retained ?? null,
    qualityLow: quality?.interval.low ?? null,
    qualityHigh: quality?.interval.high ?? null,
    pgr: quality && Number.isFinite(quality.pgr) ? quality.pgr : null,
    rolledBackAt: null,
  };
  if (!options.dryRun) await store.saveCalibration(calibration);

  const svg = labels
    ? costQualitySvg({
        name: labels.path ? `${routerName} on ${labels.path}` : `${routerName} on ${labels.scores.length} labelled requests from the log (${options.window.spec})`,
        strong: labels.strongModel,
        weak: labels.weakModel,
        size: labels.scores.length,
        skipped: 0,
        strongMean: labels.strong.reduce((a, b) => a + b, 0) / labels.strong.length,
        weakMean: labels.weak.reduce((a, b) => a + b, 0) / labels.weak.length,
        results: [{ router: routerName, kind: 'router', ...evaluateScores(labels.scores, { strong: Float64Array.from(labels.strong), weak: Float64Array.from(labels.weak) }) }],
      })
    : costCurveSvg({
        title: `Projected cost per ${period}: ${routerName} (${window.rows.length} requests, ${options.window.spec})`,
        points: sweepCost(samples, scale),
        chosen: { strongShare: spend?.strongShare ?? expectedShare, costUsd: spend?.routed ?? 0 },
        ...(target.kind === 'budget' ? { budgetUsd: target.budgetUsd } : {}),
      });
  const savingUsd = spend ? spend.allStrong - spend.routed : null;
  return {
    calibration,
    saved: !options.dryRun,
    savingUsd,
    savingShare: spend && spend.allStrong > 0 ? (spend.allStrong - spend.routed) / spend.allStrong : null,
    labels: labels
      ? { source: labels.origin, strongModel: labels.strongModel, weakModel: labels.weakModel, samples: labels.scores.length, strongNeeded: labels.strongNeeded, weakOk: labels.weakOk }
      : null,
    svg,
    notes,
  };
}

/**
 * Labels from the log when no file is given. A quality target needs enough of them (else the
 * error says how many exist and are needed); other targets use them only when there are enough.
 */
async function logQualityLabels(options: CalibrateOptions, router: RouterConfig, rows: TrafficWindowRows, notes: string[]): Promise<QualityLabels | null> {
  const found: LogLabels = await readLogLabels(rows, options.labelSources ?? logLabelSources({ store: options.store }));
  const where = `for router "${options.routerName}" in the window (${options.window.spec})`;
  if (options.target.kind === 'quality') requireLogLabels(found, where, options.minLabels);
  else {
    try {
      requireLogLabels(found, where, options.minLabels);
    } catch (error) {
      if (found.labelled.length > 0) notes.push(`quality not shown: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }
  if (found.dropped > 0) notes.push(`used the newest ${found.labelled.length} labelled requests; ${found.dropped} older ones left out`);
  const scored = labelledScoresOf(found);
  return {
    scores: scored.scores, strong: scored.strong, weak: scored.weak, origin: 'log',
    strongModel: router.strong, weakModel: router.weak,
    scorer: found.labelled.find((l) => l.row.scorer)?.row.scorer ?? null, path: null,
    strongNeeded: found.strongNeeded, weakOk: found.weakOk,
  };
}

type TrafficWindowRows = Awaited<ReturnType<typeof readWindow>>['rows'];

/** Projected cost at every 5% of strong share (threshold-decided requests ranked by score). */
function sweepCost(samples: ReturnType<typeof costSamplesOf>, scale: number): Array<{ strongShare: number; costUsd: number }> {
  const scores = samples.filter((s) => s.score !== null && s.forced === null).map((s) => s.score as number).sort((a, b) => b - a);
  const points: Array<{ strongShare: number; costUsd: number }> = [];
  for (let k = 0; k <= 20; k++) {
    const index = Math.round((k / 20) * scores.length);
    const threshold = index === 0 ? 1.0000001 : (scores[index - 1] as number);
    const spend = spendAt(samples, threshold, scale);
    points.push({ strongShare: spend.strongShare, costUsd: spend.routed });
  }
  return points;
}
