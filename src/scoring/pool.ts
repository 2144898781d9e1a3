// Builds and caches the scorers routers ask for (one instance per kind/model/seed), so every router
// using the shipped learned model shares one loaded ONNX session and embedder.

import { createRandomScorer } from './random.ts';
import type { Scorer } from './scorer.ts';
import type { ScorerKind } from '../config/schema.ts';
import type { ModelVersionSource } from './model-versions.ts';
import type { Embedder } from '../embedding/embedder.ts';

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

/**
 * With `versions`, a learned scorer follows its model line's active version (hot swap, see
 * hot-swap.ts); without, it loads models/<model>/ once.
 */
export function defaultScorerFactory(modelsDir?: string, versions?: HotSwapHooks): ScorerFactory {
  return async (spec) => {
    switch (spec.scorer) {
      case 'random':
        return createRandomScorer({ seed: spec.seed });
      case 'learned': {
        // Loaded on first use, so a gateway with only random routers never loads ONNX Runtime.
        const { createLearnedScorer, DEFAULT_SCORER_MODEL, resolveModelDir } = await import('./learned.ts');
        if (!versions) return createLearnedScorer({ name: spec.model, modelsDir });
        const { createHotSwapScorer } = await import('./hot-swap.ts');
        const { readModelMeta } = await import('./learned/meta.ts');
        const { createEmbedder } = await import('../embedding/registry.ts');
        const line = spec.model ?? DEFAULT_SCORER_MODEL;
        // Versions of a line share one embedder per spec, so a swap loads only the small ONNX model
        // (loading word vectors again would stall the event loop past the scoring time budget).
        const embedders = new Map<string, Promise<Embedder>>();
        const load = async (dir: string | null): Promise<Scorer> => {
          const modelDir = dir ?? resolveModelDir({ name: spec.model, modelsDir });
          const meta = await readModelMeta(modelDir);
          let embedder = embedders.get(meta.embedder.spec);
          if (!embedder) {
            embedder = createEmbedder(meta.embedder.spec);
            embedders.set(meta.embedder.spec, embedder);
            embedder.catch(() => embedders.delete(meta.embedder.spec));
          }
          return createLearnedScorer({ modelDir, embedder: await embedder });
        };
        return createHotSwapScorer({
          line,
          source: versions.source,
          load,
          onClose: async () => {
            const all = [...embedders.values()];
            embedders.clear();
            await Promise.allSettled(all.map(async (e) => (await e).close()));
          },
          onSwap: (from, to) => versions.onSwap?.(line, from, to),
          onError: (dir, error) => versions.onError?.(line, dir, error),
        });
      }
    }
  };
}

/** What the gateway passes to follow active model versions. */
export interface HotSwapHooks {
  source: ModelVersionSource;
  onSwap?(line: string, from: string, to: string): void;
  onError?(line: string, dir: string, error: Error): void;
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
