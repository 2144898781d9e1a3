// On-disk embedding cache for training and evaluation: wraps an Embedder so each distinct text is
// embedded once per embedder and kept in training-data/cache/<embedder-id>/embeddings.bin
// (append-only records: 32-byte sha256 of the exact text, then dim float32 values). Re-training
// with the same embedder reads vectors from disk instead of recomputing them.

import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Embedder } from '../embedding/embedder.ts';

export const EMBEDDING_CACHE_FILE = 'embeddings.bin';
const HASH_BYTES = 32;

export interface CachedEmbedder extends Embedder {
  /** Appends vectors computed since the last flush to the cache file. */
  flush(): Promise<void>;
  readonly stats: { hits: number; misses: number };
}

/** Folder name for an embedder id such as "glove-100d@1" (filesystem-safe). */
export function cacheFolderName(embedderId: string): string {
  return embedderId.replace(/[^A-Za-z0-9._@-]+/g, '_');
}

function textKey(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

async function loadCache(file: string, dim: number): Promise<Map<string, Float32Array>> {
  const cache = new Map<string, Float32Array>();
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return cache;
    throw error;
  }
  const recordBytes = HASH_BYTES + dim * 4;
  const whole = Math.floor(bytes.length / recordBytes);
  for (let r = 0; r < whole; r++) {
    const at = r * recordBytes;
    const key = bytes.subarray(at, at + HASH_BYTES).toString('hex');
    const vector = new Float32Array(dim);
    for (let j = 0; j < dim; j++) vector[j] = bytes.readFloatLE(at + HASH_BYTES + j * 4);
    cache.set(key, vector);
  }
  return cache;
}

export async function createDiskCachedEmbedder(inner: Embedder, cacheRoot: string, batchSize = 64): Promise<CachedEmbedder> {
  const dir = join(cacheRoot, cacheFolderName(inner.id));
  const file = join(dir, EMBEDDING_CACHE_FILE);
  const cache = await loadCache(file, inner.dim);
  const pending = new Map<string, Float32Array>();
  const stats = { hits: 0, misses: 0 };
  const flush = async (): Promise<void> => {
    if (pending.size === 0) return;
    await mkdir(dir, { recursive: true });
    const recordBytes = HASH_BYTES + inner.dim * 4;
    const buffer = Buffer.alloc(pending.size * recordBytes);
    let at = 0;
    for (const [key, vector] of pending) {
      Buffer.from(key, 'hex').copy(buffer, at);
      for (let j = 0; j < inner.dim; j++) buffer.writeFloatLE(vector[j] ?? 0, at + HASH_BYTES + j * 4);
      at += recordBytes;
    }
    await appendFile(file, buffer);
    pending.clear();
  };
  return {
    id: inner.id,
    dim: inner.dim,
    stats,
    async embed(texts) {
      const out = new Array<Float32Array | undefined>(texts.length);
      const missing = new Map<string, { text: string; slots: number[] }>();
      texts.forEach((text, i) => {
        const key = textKey(text);
        const hit = cache.get(key);
        if (hit) {
          stats.hits++;
          out[i] = hit;
          return;
        }
        const entry = missing.get(key) ?? { text, slots: [] };
        entry.slots.push(i);
        missing.set(key, entry);
      });
      const todo = [...missing.entries()];
      for (let start = 0; start < todo.length; start += batchSize) {
        const chunk = todo.slice(start, start + batchSize);
        const vectors = await inner.embed(chunk.map(([, e]) => e.text));
        chunk.forEach(([key, entry], k) => {
          const vector = vectors[k];
          if (!vector) throw new Error(`embedder ${inner.id} returned ${vectors.length} vectors for ${chunk.length} texts`);
          stats.misses++;
          cache.set(key, vector);
          pending.set(key, vector);
          for (const slot of entry.slots) out[slot] = vector;
        });
      }
      return out.map((v, i) => {
        if (!v) throw new Error(`no embedding for text ${i}`);
        return v;
      });
    },
    flush,
    async close() {
      await flush();
      await inner.close();
    },
  };
}
