// Starts retention pruning for the gateway's store when `store.retentionDays` > 0 and the store can
// prune (SQLite, Postgres): a timer off the request path, results and errors logged, stopped
// before the store closes.

import type { Logger } from '../config/logger.ts';
import type { StoreConfig } from '../config/store-schema.ts';
import { isRetentionStore, Pruner } from '../store/retention.ts';
import type { DecisionStore } from '../store/store.ts';

export function startRetention(store: DecisionStore, config: StoreConfig, log: Logger): Pruner | undefined {
  if (config.retentionDays <= 0 || !isRetentionStore(store)) return undefined;
  const pruner = new Pruner(store, config, (event) => {
    if (event.error !== undefined) log.warn('store_prune_failed', { message: event.error });
    else if (event.pruned) log.info('store_pruned', { decisions: event.pruned.decisions, outcomes: event.pruned.outcomes, retentionDays: config.retentionDays });
  });
  pruner.start();
  return pruner;
}
