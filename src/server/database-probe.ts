// /healthz's database check: a ping bounded by PROBE_TIMEOUT_MS (a hung server answers
// "unreachable" rather than hanging the health check), shared by concurrent callers and reused for
// PROBE_REUSE_MS, so a load balancer polling /healthz from many places costs at most one round trip
// per interval. Stores without a database (the in-memory one) have no probe.

import { checkStoreHealth, isStoreHealth, type DatabaseHealth, type StoreHealth } from '../store/health.ts';
import type { DecisionStore } from '../store/store.ts';

export const PROBE_TIMEOUT_MS = 500;
export const PROBE_REUSE_MS = 1_000;

export interface DatabaseProbe {
  check(): Promise<DatabaseHealth>;
}

export function createDatabaseProbe(store: DecisionStore, now: () => number = Date.now): DatabaseProbe | undefined {
  if (!isStoreHealth(store)) return undefined;
  const health: StoreHealth = store;
  let last: { at: number; result: DatabaseHealth } | undefined;
  let inFlight: Promise<DatabaseHealth> | undefined;
  return {
    check(): Promise<DatabaseHealth> {
      if (last && now() - last.at < PROBE_REUSE_MS) return Promise.resolve(last.result);
      inFlight ??= checkStoreHealth(health, PROBE_TIMEOUT_MS)
        .catch((error: unknown) => ({ backend: health.backend, reachable: false, latencyMs: 0, error: String(error) }))
        .then((result) => {
          last = { at: now(), result };
          inFlight = undefined;
          return result;
        });
      return inFlight;
    },
  };
}
