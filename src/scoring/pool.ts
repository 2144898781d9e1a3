// Builds and caches the scorers routers ask for (one instance per kind/model/seed), so every router
// using the shipped learned model shares one loaded ONNX session and embedder.

import { createRandomScorer } from './random.ts';
import type { Scorer } from './scorer.ts';
import type { ScorerKind } from '../config/schema.ts';

export interface ScorerSpec {
  scorer: ScorerKind;
  model?: string;
  seed?: number;
}

export type ScorerFactory = (spec: ScorerSpec) => Promise<Scorer>;

export interface ScorerPool {
  get(spec: ScorerSpec): Promise<Scorer>;
  closeAll(): Promise<void>;
}

export function defaultScorerFactory(modelsDir?: string): ScorerFactory {
  return async (spec) => {
    switch (spec.scorer) {
      case 'random':
        return createRandomScorer({ seed: spec.seed });
      case 'learned': {
        // Loaded on first use, so a gateway with only random routers never loads ONNX Runtime.
        const { createLearnedScorer } = await import('./learned.ts');
        return createLearnedScorer({ name: spec.model, modelsDir });
      }
    }
  };
}

function specKey(spec: ScorerSpec): string {
  return spec.scorer === 'random' ? `random:${spec.seed ?? ''}` : `learned:${spec.model ?? ''}`;
}

/**
 * A failed load is remembered for `retryFailedAfterMs` (default 30 s), so a broken model does not
 * cost a reload on every request; after that the next request tries again.
 */
export function createScorerPool(factory: ScorerFactory, options: { retryFailedAfterMs?: number; now?: () => number } = {}): ScorerPool {
  const retryAfter = options.retryFailedAfterMs ?? 30_000;
  const now = options.now ?? Date.now;
  const scorers = new Map<string, Promise<Scorer>>();
  const failedAt = new Map<string, number>();
  return {
    get(spec) {
      const key = specKey(spec);
      const failed = failedAt.get(key);
      if (failed !== undefined && now() - failed >= retryAfter) {
        scorers.delete(key);
        failedAt.delete(key);
      }
      let scorer = scorers.get(key);
      if (!scorer) {
        scorer = factory(spec);
        scorers.set(key, scorer);
        scorer.catch(() => failedAt.set(key, now()));
      }
      return scorer;
    },
    async closeAll() {
      const pending = [...scorers.values()];
      scorers.clear();
      failedAt.clear();
      await Promise.allSettled(pending.map(async (scorer) => (await scorer).close()));
    },
  };
}
