// What every route handler needs: config, environment, store, scorers, provider adapters, metrics,
// logger. Built once by start.ts (or by tests) and passed to createApp.

import type { Env } from '../config/env.ts';
import type { Logger } from '../config/logger.ts';
import type { TriageConfig } from '../config/types.ts';
import type { BudgetGate } from '../learning/budget/gate.ts';
import type { DecisionObserver, ThresholdSource } from '../routing/threshold-source.ts';
import type { ProviderAdapter } from '../providers/spec.ts';
import type { ScorerPool } from '../scoring/pool.ts';
import type { DecisionStore } from '../store/store.ts';
import type { InflightRequests } from './inflight.ts';
import type { GatewayMetrics } from './metrics.ts';

export interface GatewayContext {
  config: TriageConfig;
  env: Env;
  store: DecisionStore;
  scorers: ScorerPool;
  provider(kind: string): ProviderAdapter;
  metrics: GatewayMetrics;
  log: Logger;
  /** Gateway keys clients must present (empty: no auth). */
  apiKeys: readonly string[];
  startedAt: number;
  /** Requests still being answered; shutdown waits for them before closing the store. */
  inflight: InflightRequests;
  /** Where routers' thresholds come from (default: each router's configured threshold). */
  thresholds?: ThresholdSource;
  /** Told about every decision (the share controllers learn from it). */
  decisionObserver?: DecisionObserver;
  /** Budget pacing: reserve before the upstream call, settle the lease when the request ends. */
  budget?: BudgetGate;
}
