// LRU cache in front of any Embedder, keyed by the sha1 of the text, so agents that resend the
// same context do not pay to embed it again. Same id and vectors as the wrapped embedder.

import { createHash } from 'node:crypto';
import type { Embedder } from './embedder.ts';

export interface EmbeddingCacheStats {
  hits: number;
  misses: number;
  size: number;
  maxEntries: number;
}

export interface CachedEmbedder extends Embedder {
  stats(): EmbeddingCacheStats;
  /** Forgets every cached vector (counters are kept). */
  clear(): void;
}

export interface EmbeddingCacheOptions {
  /** Most vectors kept; least recently used go first. 0 disables caching. */
  maxEntries: number;
}

function textKey(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

export function withEmbeddingCache(embedder: Embedder, options: EmbeddingCacheOptions): CachedEmbedder {
  const maxEntries = Math.max(0, Math.floor(options.maxEntries));
  // A Map iterates in insertion order: re-inserting on use keeps the oldest entry first.
  const entries = new Map<string, Float32Array>();
  let hits = 0;
  let misses = 0;

  function remember(key: string, vector: Float32Array): void {
    if (maxEntries === 0) return;
    entries.delete(key);
    entries.set(key, vector);
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next();
      if (oldest.done) break;
      entries.delete(oldest.value);
    }
  }

  return {
    id: embedder.id,
    dim: embedder.dim,
    async embed(texts) {
      const keys = texts.map(textKey);
      const results: Array<Float32Array | undefined> = keys.map((key) => {
        const cached = entries.get(key);
        if (cached) {
          entries.delete(key);
          entries.set(key, cached);
        }
        return cached;
      });
      // Embed each distinct missing text once, even when it repeats within the batch.
      const missingIndexByKey = new Map<string, number>();
      const missingTexts: string[] = [];
      keys.forEach((key, index) => {
        if (results[index] !== undefined) {
          hits += 1;
        } else if (missingIndexByKey.has(key)) {
          hits += 1;
        } else {
          misses += 1;
          missingIndexByKey.set(key, missingTexts.length);
          missingTexts.push(texts[index] as string);
        }
      });
      const fresh = missingTexts.length > 0 ? await embedder.embed(missingTexts) : [];
      for (const [key, freshIndex] of missingIndexByKey) {
        const vector = fresh[freshIndex];
        if (vector) remember(key, vector);
      }
      return keys.map((key, index) => {
        const vector = results[index] ?? fresh[missingIndexByKey.get(key) ?? -1];
        if (!vector) throw new Error('embedder returned fewer vectors than texts');
        // Callers get their own copy, so mutating a result cannot poison the cache.
        return vector.slice();
      });
    },
    stats: () => ({ hits, misses, size: entries.size, maxEntries }),
    clear: () => entries.clear(),
    async close() {
      entries.clear();
      await embedder.close();
    },
  };
}
