// The ThresholdSource port: where decide() reads a router's threshold from. The static source
// (the config's `threshold`) is the default; learning/ provides store-backed and controlled
// sources, and only server/start.ts wires them in, so routing never imports learning/.

import type { RouterConfig } from '../config/types.ts';

/** Where the threshold in force came from (logged and sent as a header). */
export type ThresholdOrigin = 'config' | 'calibration' | 'share-controller' | 'budget-pacer';

export interface ThresholdReading {
  threshold: number;
  /** The versioned calibration the threshold comes from (or started from), if any. */
  calibrationId: string | null;
  source: ThresholdOrigin;
}

export interface ThresholdSource {
  /** Must be cheap and synchronous: it runs on every routed request. May throw ThresholdUnavailableError. */
  current(routerName: string, router: RouterConfig): ThresholdReading;
}

/** Raised when a router's target cannot be served (e.g. `@q95` with no quality calibration). */
export class ThresholdUnavailableError extends Error {
  override readonly name = 'ThresholdUnavailableError';
}

/** What a source may learn from once a request was decided (scores, forced tiers). */
export interface DecisionObservation {
  routerName: string;
  router: RouterConfig;
  /** Null when no score was computed (mode rule, scorer failure). */
  score: number | null;
  tier: 'strong' | 'weak';
  /** True when the tier did not come from the threshold (mode, task type, fallback). */
  forced: boolean;
}

export interface DecisionObserver {
  observe(observation: DecisionObservation): void;
}

export const staticThresholdSource: ThresholdSource = {
  current: (_routerName, router) => ({ threshold: router.threshold, calibrationId: null, source: 'config' }),
};
