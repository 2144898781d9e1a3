// The learning wing's ThresholdSource for the gateway: one object per router target kind, picked
// by the router's `target` (a Record over the kinds, so a new kind cannot be forgotten):
//   none        -> the router's active calibration (hot-picked from the store), else its threshold
//   strongShare -> a ShareController per router name, started from the newest share calibration
//   budget      -> the active calibration (or threshold), raised by a BudgetPacer (configured
//                  routers: one each; "@b500m" names: a bounded set, see suffix-budgets.ts), whose
//                  reservations go through the store's spend ledger (per process, or the fleet's)
//   quality     -> the newest quality calibration for that target; unavailable without one
// It also observes decisions (for the controllers) and is the BudgetGate. Controllers are created
// only for configured routers and their bounded "@s<percent>" names.

import type { Logger } from '../../config/logger.ts';
import type { RouterConfig, RouterTarget, TriageConfig } from '../../config/types.ts';
import type { DecisionObservation, DecisionObserver, ThresholdReading, ThresholdSource } from '../../routing/threshold-source.ts';
import { ThresholdUnavailableError } from '../../routing/threshold-source.ts';
import type { Calibration, LearningStore } from '../../store/learning-store.ts';
import type { DecisionStore } from '../../store/store.ts';
import type { ShareWindows } from '../../store/shared-state/share-window.ts';
import type { SpendLedger } from '../../store/shared-state/spend-ledger.ts';
import type { BudgetGate, ReserveInput } from '../budget/gate.ts';
import { BudgetPacer, type Admission } from '../budget/pacer.ts';
import { periodSpan } from '../budget/period.ts';
import { worstCaseUsd } from '../budget/worst-case.ts';
import { CalibrationCache } from './calibration-cache.ts';
import { SuffixBudgets } from './suffix-budgets.ts';
import { SHARE_WINDOW_DEFAULT, ShareController } from './share-controller.ts';

type TargetKind = 'none' | 'strongShare' | 'budget' | 'quality';

/** The share controllers' gain on a fleet window (unless the options set one). */
const FLEET_SHARE_GAIN = 1;

function targetKind(target: RouterTarget | undefined): TargetKind {
  if (!target) return 'none';
  if ('strongShare' in target) return 'strongShare';
  if ('budgetUsd' in target) return 'budget';
  return 'quality';
}

/** "default@s30" -> "default": calibrations belong to the configured router. */
export function baseRouterName(routerName: string): string {
  const at = routerName.indexOf('@');
  return at < 0 ? routerName : routerName.slice(0, at);
}

export interface LiveThresholdsOptions {
  config: TriageConfig;
  learning: LearningStore;
  log?: Logger;
  pollMs?: number;
  controller?: { window?: number; warmup?: number; gain?: number };
  /** Most model-name budgets ("@b500m") held live at once (default MAX_SUFFIX_BUDGETS). */
  maxSuffixBudgets?: number;
  /** Where budget spend is reserved (default: this process's own ledger per pacer; Postgres: the fleet's). */
  spend?: SpendLedger;
  /** Where the share controllers keep their decisions (default: this process's last decisions; Postgres: the fleet's). */
  shareWindows?: ShareWindows;
}

export class LiveThresholds implements ThresholdSource, DecisionObserver, BudgetGate {
  readonly calibrations: CalibrationCache;
  private readonly controllers = new Map<string, ShareController>();
  private readonly pacers = new Map<string, BudgetPacer>();
  private decisions: DecisionStore | undefined;
  readonly suffixBudgets: SuffixBudgets;

  constructor(private readonly options: LiveThresholdsOptions) {
    this.calibrations = new CalibrationCache(options.learning, {
      pollMs: options.pollMs,
      onChange: (router, c) =>
        options.log?.info('calibration_active', { router, calibration: c?.id ?? null, threshold: c?.threshold ?? null }),
      onError: (error) => options.log?.warn('calibration_poll_failed', { message: error.message }),
    });
    this.suffixBudgets = new SuffixBudgets({
      ...(options.maxSuffixBudgets === undefined ? {} : { max: options.maxSuffixBudgets }),
      ...(options.spend ? { ledger: options.spend } : {}),
      spentSoFar: async (routerName, target) => {
        if (!this.decisions) return 0;
        const cells = await this.decisions.usageBreakdown({ dimension: 'router' }, { router: routerName, since: periodSpan(target.period, Date.now()).start });
        return cells.reduce((sum, cell) => sum + cell.costUsd, 0);
      },
      onSeedError: (router, error) => options.log?.warn('budget_seed_failed', { router, message: error.message }),
    });
  }

  /**
   * Loads calibrations, checks that every quality target has one, reads each budget's spend so
   * far this period from the log, and starts polling.
   */
  async start(decisions: DecisionStore, now = Date.now()): Promise<void> {
    this.decisions = decisions;
    this.calibrations.refresh();
    for (const [name, router] of Object.entries(this.options.config.routers)) {
      const target = router.target;
      if (target && 'quality' in target && !this.qualityCalibration(name, target.quality)) {
        throw new Error(
          `router "${name}" has target quality ${target.quality} but no quality calibration exists for it; ` +
            `run: triage calibrate --router ${name} --quality ${target.quality} (on the feedback labels in the log, or add --labels FILE.jsonl)`,
        );
      }
      if (target && 'budgetUsd' in target) {
        const { start } = periodSpan(target.period, now);
        const rows = await decisions.decisions({ router: name, since: start });
        const spentUsd = rows.reduce((sum, row) => sum + (row.costUsd ?? 0), 0);
        const shared = this.options.spend ? { ledger: this.options.spend } : {};
        this.pacers.set(name, new BudgetPacer({ budgetUsd: target.budgetUsd, period: target.period, onExhausted: target.onExhausted, spentUsd, scope: `router:${name}`, ...shared }));
        this.options.log?.info('budget_pacing', { router: name, budgetUsd: target.budgetUsd, period: target.period, spentUsd });
      }
    }
    this.calibrations.start();
  }

  stop(): void {
    this.calibrations.stop();
  }

  current(routerName: string, router: RouterConfig): ThresholdReading {
    return this.readers[targetKind(router.target)](routerName, router);
  }

  observe(observation: DecisionObservation): void {
    const target = observation.router.target;
    if (!target || !('strongShare' in target)) return;
    this.controller(observation.routerName, target.strongShare).observe(observation.forced ? null : observation.score, observation.tier === 'strong');
  }

  async reserve(input: ReserveInput): Promise<Admission | null> {
    const target = input.router.target;
    if (!target || !('budgetUsd' in target)) return null;
    const worst = {
      strong: worstCaseUsd(input.request, input.prices.strong, target.defaultMaxTokens),
      weak: worstCaseUsd(input.request, input.prices.weak, target.defaultMaxTokens),
    };
    // Configured routers' pacers exist from start(); the check and the reservation are one atomic step of the spend ledger.
    if (this.options.config.routers[input.routerName]) return this.pacers.get(input.routerName)?.admit(input.tier, worst) ?? null;
    // A model-name budget's pacer is found or made (bounded), and admits in the step that confirms it is still held.
    const admission = await this.suffixBudgets.withPacer(input.routerName, target, (pacer) => pacer.admit(input.tier, worst));
    return (
      admission ?? {
        kind: 'rejected',
        message:
          `this gateway holds at most ${this.suffixBudgets.max} model-name budgets at once and every one has requests in flight; ` +
          'retry shortly, or state the budget as a router target in the config',
      }
    );
  }

  /** The share controller of a router name (for reports and tests), if one exists. */
  controllerFor(routerName: string): ShareController | undefined {
    return this.controllers.get(routerName);
  }

  pacerFor(routerName: string): BudgetPacer | undefined {
    return this.pacers.get(routerName) ?? this.suffixBudgets.peek(routerName);
  }

  private readonly readers: Record<TargetKind, (routerName: string, router: RouterConfig) => ThresholdReading> = {
    none: (routerName, router) => this.calibrated(routerName, router),
    strongShare: (routerName, router) => {
      const target = router.target;
      if (!target || !('strongShare' in target)) return this.calibrated(routerName, router);
      const prior = this.shareCalibration(routerName, target.strongShare);
      const controller = this.controller(routerName, target.strongShare);
      return { threshold: controller.threshold(), calibrationId: prior?.id ?? null, source: 'share-controller' };
    },
    budget: (routerName, router) => {
      const base = this.calibrated(routerName, router);
      const pacer = this.pacerFor(routerName);
      return pacer ? { ...base, threshold: pacer.threshold(base.threshold), source: 'budget-pacer' } : base;
    },
    quality: (routerName, router) => {
      const target = router.target;
      if (!target || !('quality' in target)) return this.calibrated(routerName, router);
      const calibration = this.qualityCalibration(routerName, target.quality);
      if (!calibration) {
        throw new ThresholdUnavailableError(
          `no quality calibration at ${target.quality} for router "${baseRouterName(routerName)}"; ` +
            `run: triage calibrate --router ${baseRouterName(routerName)} --quality ${target.quality} (on the feedback labels in the log, or add --labels FILE.jsonl)`,
        );
      }
      return { threshold: calibration.threshold, calibrationId: calibration.id, source: 'calibration' };
    },
  };

  private calibrated(routerName: string, router: RouterConfig): ThresholdReading {
    // Only configured routers (and their "@b500m" names) pick up calibrations: RouteLLM names carry their own threshold.
    const base = baseRouterName(routerName);
    if (!this.options.config.routers[base]) return { threshold: router.threshold, calibrationId: null, source: 'config' };
    const active = this.calibrations.active(base);
    return active
      ? { threshold: active.threshold, calibrationId: active.id, source: 'calibration' }
      : { threshold: router.threshold, calibrationId: null, source: 'config' };
  }

  private shareCalibration(routerName: string, share: number): Calibration | undefined {
    const base = baseRouterName(routerName);
    return this.calibrations.newest(base, (c) => c.target.kind === 'strongShare' && Math.abs(c.target.strongShare - share) < 1e-9);
  }

  private qualityCalibration(routerName: string, quality: number): Calibration | undefined {
    const base = baseRouterName(routerName);
    return this.calibrations.newest(base, (c) => c.target.kind === 'quality' && Math.abs(c.target.quality - quality) < 1e-9);
  }

  private controller(routerName: string, share: number): ShareController {
    let controller = this.controllers.get(routerName);
    if (!controller) {
      // Prior: the newest calibration for this share, else the reference-quantile reading (scores are ranks).
      const prior = this.shareCalibration(routerName, share)?.threshold ?? Math.min(1, Math.max(0, 1 - share));
      const size = this.options.controller?.window ?? SHARE_WINDOW_DEFAULT;
      const decisions = this.options.shareWindows?.open(routerName, size);
      // The fleet's window arrives a sync late, so its error is corrected gently: on a simulated pair, gain 1
      // held 29.2-32.5% for a 30% target at every lag tried (up to 500 decisions), gain 10 anywhere from
      // 21.6% to 61.4% (scripts/sim-fleet-share.ts).
      const fleet = decisions ? { gain: FLEET_SHARE_GAIN, decisions } : {};
      controller = new ShareController({ target: share, prior, ...fleet, ...this.options.controller, ...(decisions ? { decisions } : {}) });
      this.controllers.set(routerName, controller);
    }
    return controller;
  }
}
