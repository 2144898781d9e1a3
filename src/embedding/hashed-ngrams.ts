// Weight-free baseline Embedder: a signed hashed bag of lowercase words, word bigrams and
// character 3-grams of each word (with boundary marks), sublinear counts, L2-normalised.
// No pretrained weights; similar texts are close only through shared surface forms.

import type { Embedder } from './embedder.ts';
import { normalizedCopy } from './vector-math.ts';

export const DEFAULT_HASHED_NGRAMS_DIM = 512;
const VERSION = 1;
const WORD_PATTERN = /[\p{L}\p{M}\p{N}]+|[^\s\p{L}\p{M}\p{N}]/gu;
const CHAR_NGRAM = 3;
const WORD_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.5;
const CHAR_WEIGHT = 0.25;

/** 32-bit FNV-1a over UTF-16 code units. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Counts of each feature, keyed "<kind>:<feature>" so kinds never share a hash. */
function countFeatures(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: string): void => {
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  const words = text.toLowerCase().match(WORD_PATTERN) ?? [];
  words.forEach((word, index) => {
    add(`w:${word}`);
    const next = words[index + 1];
    if (next !== undefined) add(`b:${word} ${next}`);
    if (word.length >= CHAR_NGRAM) {
      const marked = `<${word}>`;
      for (let i = 0; i + CHAR_NGRAM <= marked.length; i++) add(`c:${marked.slice(i, i + CHAR_NGRAM)}`);
    }
  });
  return counts;
}

const KIND_WEIGHTS: Record<string, number> = { w: WORD_WEIGHT, b: BIGRAM_WEIGHT, c: CHAR_WEIGHT };

/** The vector of one text: each feature adds ±weight·log(1+count) to its hashed bucket. */
export function hashedNgramVector(text: string, dim: number): Float32Array {
  const vector = new Float64Array(dim);
  for (const [key, count] of countFeatures(text)) {
    const hash = fnv1a(key);
    const bucket = hash % dim;
    // Sign from a bit the bucket does not use much: collisions cancel on average.
    const sign = hash & 0x80000000 ? -1 : 1;
    const weight = KIND_WEIGHTS[key.charAt(0)] ?? 0;
    vector[bucket] = (vector[bucket] as number) + sign * weight * Math.log1p(count);
  }
  return normalizedCopy(vector);
}

export function createHashedNgramEmbedder(options: { dim?: number } = {}): Embedder {
  const dim = options.dim ?? DEFAULT_HASHED_NGRAMS_DIM;
  if (!Number.isInteger(dim) || dim < 8) throw new Error(`hashed-ngrams dim must be an integer >= 8, got ${dim}`);
  return {
    id: `hashed-ngrams-${dim}@${VERSION}`,
    dim,
    async embed(texts) {
      return texts.map((text) => hashedNgramVector(text, dim));
    },
    async close() {},
  };
}
