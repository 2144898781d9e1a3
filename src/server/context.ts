// What every route handler needs: config, environment, store, scorers, provider adapters, metrics,
// logger. Built once by start.ts (or by tests) and passed to createApp.

import type { Env } from '../config/env.ts';
import type { Logger } from '../config/logger.ts';
import type { TriageConfig } from '../config/types.ts';
import type { BudgetGate } from '../learning/budget/gate.ts';
import type { ShadowSampler } from '../learning/shadow/port.ts';
import type { DecisionObserver, ThresholdSource } from '../routing/threshold-source.ts';
import type { SessionMemory } from '../routing/sessions.ts';
import type { ProviderAdapter } from '../providers/spec.ts';
import type { ScorerPool } from '../scoring/pool.ts';
import type { DecisionRecord, DecisionStore } from '../store/store.ts';
import type { LearningStore } from '../store/learning-store.ts';
import type { GatewayKeys } from './gateway-keys.ts';
import type { InflightRequests } from './inflight.ts';
import type { GatewayMetrics } from './metrics.ts';
import type { BreakerRegistry } from './upstream/breaker.ts';

export interface GatewayContext {
  config: TriageConfig;
  env: Env;
  store: DecisionStore;
  scorers: ScorerPool;
  provider(kind: string): ProviderAdapter;
  metrics: GatewayMetrics;
  log: Logger;
  /** Gateway keys clients must present (from the environment and the key store), and their limits. */
  keys: GatewayKeys;
  startedAt: number;
  /** Requests still being answered; shutdown waits for them before closing the store. */
  inflight: InflightRequests;
  /** One circuit breaker per configured provider. */
  breakers: BreakerRegistry;
  /** Called with each finished row, after it is logged (e.g. budget spend). Must not throw or block. */
  exchangeHooks: Array<(record: DecisionRecord) => void>;
  /** True once shutdown has begun (cut streams are logged as such, not as client disconnects). */
  closing: boolean;
  /** Where routers' thresholds come from (default: each router's configured threshold). */
  thresholds?: ThresholdSource;
  /** Told about every decision (the share controllers learn from it). */
  decisionObserver?: DecisionObserver;
  /** Session memory for session-aware routing (absent: session ids are ignored). */
  sessions?: SessionMemory;
  /** Versioned calibrations (the dashboard lists, applies and rolls them back); absent without one. */
  learning?: LearningStore;
  /** Budget pacing: reserve before the upstream call, settle the lease when the request ends. */
  budget?: BudgetGate;
  /** Shadow judging: sampled answered requests are handed to the learning wing's runner. */
  shadow?: ShadowSampler;
  /** Uniform [0, 1) draws for exploration (seeded in tests; default Math.random). */
  random?: () => number;
}
