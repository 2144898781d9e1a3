// Test helper: wraps an Embedder and counts the texts it is asked to embed (to prove caching).

import type { Embedder } from '../../src/embedding/embedder.ts';

/** `id` defaults to the inner embedder's; give a unique one to defeat caches keyed by embedder id. */
export function countingEmbedder(inner: Embedder, id = inner.id): Embedder & { texts: number } {
  const wrapper = {
    id,
    dim: inner.dim,
    texts: 0,
    async embed(texts: readonly string[]) {
      wrapper.texts += texts.length;
      return inner.embed(texts);
    },
    close: () => inner.close(),
  };
  return wrapper;
}
