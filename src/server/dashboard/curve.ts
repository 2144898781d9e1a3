// Curve figures: the cost–quality curve of a router's recent traffic and the projection at one
// threshold, from the same code `triage replay` runs (learning/replay.ts), scaled from the window
// to a period as `triage calibrate` does (PERIOD_MS ÷ the window's span); quality retained with
// its 95% bootstrap interval from the labelled file in the config, as `triage calibrate --labels`.
// Applying creates a calibration through runCalibration (the code behind `triage calibrate`).
// Both that and the labelled-file reader are imported only when used: they read the training
// wing's JSONL format, which the serve path otherwise never loads.

import type { BudgetPeriod, PricePerMTok, RouterConfig, Tier } from '../../config/types.ts';
import { PERIOD_MS } from '../../learning/budget/period.ts';
import { qualityAtThreshold, type QualityPoint } from '../../learning/calibrate/quality.ts';
import type { CalibrationRun } from '../../learning/calibrate/run.ts';
import type { LabelledSet } from '../../learning/labels.ts';
import { runReplay, type ReplayResult } from '../../learning/replay.ts';
import { readWindow, type WindowSpec } from '../../learning/window.ts';
import { staticThresholdSource, type ThresholdReading } from '../../routing/threshold-source.ts';
import type { LearningStore } from '../../store/learning-store.ts';
import type { DecisionStore } from '../../store/store.ts';
import type { GatewayContext } from '../context.ts';
import { GatewayError, invalidRequest } from '../errors.ts';
import { readTrafficWindow } from './params.ts';
import { ReadOnceStore } from './read-once.ts';

const CURVE_STEPS = 20;
/** Bootstrap resamples: as `triage calibrate` for one point; fewer for each point of the drawn curve. */
const POINT_RESAMPLES = 1000;
const CURVE_RESAMPLES = 200;

export interface CurveQuery {
  router?: string | undefined;
  window: string;
  period: BudgetPeriod;
}

export interface QualityFigures {
  retained: number;
  low: number;
  high: number;
  pgr: number;
  labelsPath: string;
  strongModel: string;
  weakModel: string;
  samples: number;
}

export interface PointFigures {
  router: string;
  window: string;
  /** What `triage replay --threshold T --since W` prints (window totals). */
  replay: ReplayResult;
  /** The projection per period: replay's figures × (period ÷ window span). */
  period: { period: BudgetPeriod; scale: number; costUsd: number; allStrongCostUsd: number; savingUsd: number };
  quality: QualityFigures | null;
}

export interface CurveFigures {
  router: string;
  window: string;
  period: BudgetPeriod;
  current: ThresholdReading;
  requests: number;
  /** One point per 5% of strong share: threshold, share, cost per period, quality (with labels). */
  points: Array<{ threshold: number; strongShare: number; costUsd: number; quality: number | null; qualityLow: number | null; qualityHigh: number | null }>;
  allStrongCostUsd: number;
  labels: { path: string; strongModel: string; weakModel: string; samples: number } | null;
}

function routerOf(ctx: GatewayContext, name: string | undefined): { name: string; router: RouterConfig; prices: Record<Tier, PricePerMTok> } {
  const routerName = name ?? ctx.config.defaultRouter;
  const router = Object.hasOwn(ctx.config.routers, routerName) ? ctx.config.routers[routerName] : undefined;
  if (!router) throw invalidRequest(`no router named "${routerName}"`, 'unknown_router', 'router');
  const strong = ctx.config.models[router.strong];
  const weak = ctx.config.models[router.weak];
  if (!strong || !weak) throw invalidRequest(`router "${routerName}" names an unknown model`, 'unknown_router', 'router');
  return { name: routerName, router, prices: { strong: strong.pricePerMTok, weak: weak.pricePerMTok } };
}

/** The labelled set of the config's dashboard.labels, scored once per router and kept. */
const labelCache = new WeakMap<GatewayContext, Map<string, Promise<LabelledSet>>>();

async function labelsFor(ctx: GatewayContext, routerName: string, router: RouterConfig): Promise<LabelledSet | null> {
  const spec = ctx.config.dashboard.labels;
  if (!spec) return null;
  let byRouter = labelCache.get(ctx);
  if (!byRouter) {
    byRouter = new Map();
    labelCache.set(ctx, byRouter);
  }
  let set = byRouter.get(routerName);
  if (!set) {
    set = import('../../learning/labels.ts').then(({ loadLabelledSet }) => loadLabelledSet(spec.path, router, ctx.scorers, spec));
    byRouter.set(routerName, set);
    set.catch(() => byRouter.delete(routerName));
  }
  try {
    return await set;
  } catch (error) {
    ctx.log.warn('dashboard_labels_unavailable', { path: spec.path, error: error instanceof Error ? error.message : String(error) });
    return null;
  }
}

function qualityFigures(labels: LabelledSet, point: QualityPoint): QualityFigures {
  return {
    retained: point.retained, low: point.interval.low, high: point.interval.high, pgr: point.pgr,
    labelsPath: labels.path, strongModel: labels.strongModel, weakModel: labels.weakModel, samples: labels.scores.length,
  };
}

async function replayAt(store: DecisionStore, routerName: string, window: WindowSpec, prices: Record<Tier, PricePerMTok>, policy: Parameters<typeof runReplay>[0]['policy'], now: number): Promise<ReplayResult> {
  try {
    return await runReplay({ store, routerName, window, policy, prices, now });
  } catch (error) {
    // runReplay's refusal of an empty window is the caller's to fix; anything else is ours.
    if (error instanceof Error && error.message.startsWith('no logged chat traffic')) {
      throw new GatewayError(404, error.message, 'not_found_error', 'no_traffic', 'window');
    }
    throw error;
  }
}

async function periodScale(store: DecisionStore, routerName: string, window: WindowSpec, period: BudgetPeriod, now: number): Promise<number> {
  const traffic = await readWindow(store, routerName, window, now);
  return PERIOD_MS[period] / traffic.spanMs;
}

export async function pointFigures(ctx: GatewayContext, q: CurveQuery & { threshold: number }, now: number): Promise<PointFigures> {
  const { name, router, prices } = routerOf(ctx, q.router);
  const window = readTrafficWindow(q.window);
  const store = new ReadOnceStore(ctx.store);
  const replay = await replayAt(store, name, window, prices, { kind: 'threshold', threshold: q.threshold }, now);
  const scale = await periodScale(store, name, window, q.period, now);
  const labels = await labelsFor(ctx, name, router);
  const quality = labels ? qualityFigures(labels, qualityAtThreshold(labels, q.threshold, { resamples: POINT_RESAMPLES, seed: 1 })) : null;
  return {
    router: name,
    window: window.spec,
    replay,
    period: { period: q.period, scale, costUsd: replay.projected.costUsd * scale, allStrongCostUsd: replay.allStrongCostUsd * scale, savingUsd: replay.savingUsd * scale },
    quality,
  };
}

export async function curveFigures(ctx: GatewayContext, q: CurveQuery, now: number): Promise<CurveFigures> {
  const { name, router, prices } = routerOf(ctx, q.router);
  const window = readTrafficWindow(q.window);
  const store = new ReadOnceStore(ctx.store);
  const scale = await periodScale(store, name, window, q.period, now);
  const labels = await labelsFor(ctx, name, router);
  const points: CurveFigures['points'] = [];
  let last: ReplayResult | undefined;
  for (let k = 0; k <= CURVE_STEPS; k++) {
    const r = await replayAt(store, name, window, prices, { kind: 'strongShare', strongShare: k / CURVE_STEPS }, now);
    last = r;
    const quality = labels ? qualityAtThreshold(labels, r.threshold, { resamples: CURVE_RESAMPLES, seed: 1 }) : null;
    points.push({
      threshold: r.threshold, strongShare: r.projected.strongShare, costUsd: r.projected.costUsd * scale,
      quality: quality?.retained ?? null, qualityLow: quality?.interval.low ?? null, qualityHigh: quality?.interval.high ?? null,
    });
  }
  const current = (ctx.thresholds ?? staticThresholdSource).current(name, router);
  return {
    router: name,
    window: window.spec,
    period: q.period,
    current,
    requests: last?.actual.requests ?? 0,
    points,
    allStrongCostUsd: (last?.allStrongCostUsd ?? 0) * scale,
    labels: labels ? { path: labels.path, strongModel: labels.strongModel, weakModel: labels.weakModel, samples: labels.scores.length } : null,
  };
}

function holdsCalibrations(store: DecisionStore): store is DecisionStore & LearningStore {
  return 'saveCalibration' in store && 'rollback' in store && 'calibrations' in store;
}

/** The store calibrations are written to: the decision log itself, when it holds them and the gateway reads them. */
function storesForCalibration(ctx: GatewayContext): DecisionStore & LearningStore {
  const store = ctx.store;
  if (!ctx.learning || !holdsCalibrations(store)) {
    throw new GatewayError(409, 'calibrations need the decision log to hold them (the SQLite store): this gateway has none', 'invalid_request_error', 'no_calibration_store');
  }
  return store;
}

/** Stores a calibration for the threshold chosen on the curve, through the code `triage calibrate` runs. */
export async function applyThreshold(ctx: GatewayContext, body: CurveQuery & { threshold: number }, now: number): Promise<{ run: CalibrationRun; replay: ReplayResult }> {
  const { name, prices } = routerOf(ctx, body.router);
  const window = readTrafficWindow(body.window);
  const store = storesForCalibration(ctx);
  const replay = await replayAt(new ReadOnceStore(ctx.store), name, window, prices, { kind: 'threshold', threshold: body.threshold }, now);
  const labels = ctx.config.dashboard.labels;
  const { runCalibration } = await import('../../learning/calibrate/run.ts');
  const run = await runCalibration({
    config: ctx.config, routerName: name, store, scorers: ctx.scorers, window, period: body.period, now,
    // The share the slider's threshold gives on this window: the calibrator finds its threshold again.
    target: { kind: 'strongShare', strongShare: replay.projected.strongShare },
    ...(labels ? { labels } : {}),
  });
  return { run, replay };
}

export { storesForCalibration, routerOf };
