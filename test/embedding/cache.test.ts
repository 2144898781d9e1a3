import { describe, expect, it } from 'vitest';
import { withEmbeddingCache } from '../../src/embedding/cache.ts';
import type { Embedder } from '../../src/embedding/embedder.ts';
import { createHashedNgramEmbedder } from '../../src/embedding/hashed-ngrams.ts';
import { createWordVectorEmbedder } from '../../src/embedding/word-vectors.ts';
import { describeEmbedderConformance } from './embedder.conformance.ts';
import { GLOVE_DIR } from './support.ts';

describeEmbedderConformance('glove-100d fast path behind the LRU cache', {
  create: async () => withEmbeddingCache(await createWordVectorEmbedder({ modelDir: GLOVE_DIR }), { maxEntries: 100 }),
  dim: 100,
  semantic: true,
});
describeEmbedderConformance('hashed-ngrams behind a 2-entry LRU cache', {
  create: async () => withEmbeddingCache(createHashedNgramEmbedder(), { maxEntries: 2 }),
  dim: 512,
  batchTolerance: 0,
  semantic: false,
});

/** Wraps an embedder and records every batch of texts that reaches it. */
function recording(inner: Embedder): Embedder & { calls: string[][]; closed: number } {
  const calls: string[][] = [];
  const spy = {
    id: inner.id,
    dim: inner.dim,
    calls,
    closed: 0,
    embed: async (texts: readonly string[]) => {
      calls.push([...texts]);
      return inner.embed(texts);
    },
    close: async () => {
      spy.closed += 1;
      await inner.close();
    },
  };
  return spy;
}

describe('withEmbeddingCache', () => {
  it('embeds a repeated text once and counts hits and misses', async () => {
    const inner = recording(createHashedNgramEmbedder());
    const cached = withEmbeddingCache(inner, { maxEntries: 10 });
    expect(cached.id).toBe(inner.id);
    const [first] = await cached.embed(['same context']);
    const [second, other] = await cached.embed(['same context', 'new text']);
    expect(inner.calls).toEqual([['same context'], ['new text']]);
    expect(Array.from(second as Float32Array)).toEqual(Array.from(first as Float32Array));
    expect(other).not.toEqual(first);
    expect(cached.stats()).toEqual({ hits: 1, misses: 2, size: 2, maxEntries: 10 });
  });

  it('embeds a text repeated within one batch once', async () => {
    const inner = recording(createHashedNgramEmbedder());
    const cached = withEmbeddingCache(inner, { maxEntries: 10 });
    const vectors = await cached.embed(['a b', 'c d', 'a b']);
    expect(inner.calls).toEqual([['a b', 'c d']]);
    expect(Array.from(vectors[2] as Float32Array)).toEqual(Array.from(vectors[0] as Float32Array));
    expect(cached.stats()).toMatchObject({ hits: 1, misses: 2 });
  });

  it('evicts the least recently used text first', async () => {
    const inner = recording(createHashedNgramEmbedder());
    const cached = withEmbeddingCache(inner, { maxEntries: 2 });
    await cached.embed(['one']);
    await cached.embed(['two']);
    await cached.embed(['one']); // "one" is now the most recent; "two" the oldest
    await cached.embed(['three']); // evicts "two"
    inner.calls.length = 0;
    await cached.embed(['one', 'three']);
    expect(inner.calls).toEqual([]);
    await cached.embed(['two']);
    expect(inner.calls).toEqual([['two']]);
    expect(cached.stats().size).toBe(2);
  });

  it('caches nothing with maxEntries 0 and forgets everything on clear', async () => {
    const inner = recording(createHashedNgramEmbedder());
    const off = withEmbeddingCache(inner, { maxEntries: 0 });
    await off.embed(['x']);
    await off.embed(['x']);
    expect(inner.calls).toHaveLength(2);
    const on = withEmbeddingCache(inner, { maxEntries: 5 });
    await on.embed(['y']);
    on.clear();
    await on.embed(['y']);
    expect(inner.calls.slice(2)).toEqual([['y'], ['y']]);
  });

  it('closes the wrapped embedder', async () => {
    const inner = recording(createHashedNgramEmbedder());
    await withEmbeddingCache(inner, { maxEntries: 5 }).close();
    expect(inner.closed).toBe(1);
  });
});
