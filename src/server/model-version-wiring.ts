// Wires the learning wing's model-version cache into the gateway (start.ts calls this once): when
// the decision log holds model versions, learned scorers follow the active one (hot swap) and
// every change is logged. A caller-provided store without them keeps the shipped folders.

import type { Logger } from '../config/logger.ts';
import { ModelVersionCache } from '../learning/live/model-version-cache.ts';
import type { HotSwapHooks } from '../scoring/pool.ts';
import { isModelVersionStore } from '../store/model-versions.ts';

export interface ModelVersionWiring {
  hooks: HotSwapHooks;
  stop(): void;
}

export function startModelVersionCache(store: object | undefined, log: Logger, pollMs?: number): ModelVersionWiring | undefined {
  if (!store || !isModelVersionStore(store)) return undefined;
  const cache = new ModelVersionCache(store, {
    ...(pollMs !== undefined ? { pollMs } : {}),
    onChange: (line, version) => log.info('model_version_active', { line, version: version?.id ?? `shipped ${line}` }),
    onError: (error) => log.warn('model_versions_unreadable', { message: error.message }),
  });
  cache.start();
  return {
    hooks: {
      source: cache,
      onSwap: (line, from, to) => log.info('scorer_swapped', { line, from, to }),
      onError: (line, dir, error) => log.error('scorer_swap_failed', { line, dir, message: error.message, effect: 'the current model keeps serving' }),
    },
    stop: () => cache.stop(),
  };
}
