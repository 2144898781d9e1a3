// Shared conformance suite for the Embedder interface: every implementation's test file calls
// describeEmbedderConformance with a factory (real weights only) and the properties it promises.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeSuite, type ConformanceOptions } from '../support/conformance.ts';
import type { Embedder } from '../../src/embedding/embedder.ts';
import { cosineSimilarity } from '../../src/embedding/vector-math.ts';

export interface EmbedderConformanceOptions extends ConformanceOptions<Embedder> {
  dim: number;
  /** Max absolute difference allowed between a batch result and the same text embedded alone. */
  batchTolerance?: number;
  /** True for embedders that capture meaning beyond shared words (skips nothing else). */
  semantic: boolean;
}

export const SAMPLE_TEXTS = [
  'How do I reverse a linked list in Python?',
  'Write a short poem about the sea at night.',
  'What is the capital city of France?',
] as const;

/** A text of roughly `tokens` word tokens built from ordinary English words. */
export function longText(tokens: number): string {
  const sentence = 'The quick brown fox jumps over the lazy dog while the market closes early today . ';
  return sentence.repeat(Math.ceil(tokens / 16));
}

function norm(vector: Float32Array): number {
  let sum = 0;
  for (const value of vector) sum += value * value;
  return Math.sqrt(sum);
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

export function describeEmbedderConformance(name: string, options: EmbedderConformanceOptions): void {
  const tolerance = options.batchTolerance ?? 1e-5;

  describeSuite('Embedder', name, options.skip, () => {
    let embedder: Embedder;
    beforeAll(async () => {
      embedder = await options.create();
    });
    afterAll(async () => {
      await embedder?.close();
    });

    it('has a versioned id and the promised dimension', () => {
      expect(embedder.id).toMatch(/^\S+@\S+$/);
      expect(embedder.dim).toBe(options.dim);
    });

    it('returns one Float32Array of length dim per text', async () => {
      const vectors = await embedder.embed(SAMPLE_TEXTS);
      expect(vectors).toHaveLength(SAMPLE_TEXTS.length);
      for (const vector of vectors) {
        expect(vector).toBeInstanceOf(Float32Array);
        expect(vector).toHaveLength(options.dim);
        expect(vector.every(Number.isFinite)).toBe(true);
      }
    });

    it('returns unit-length vectors for non-empty text', async () => {
      for (const vector of await embedder.embed([...SAMPLE_TEXTS, longText(500)])) {
        expect(Math.abs(norm(vector) - 1)).toBeLessThan(1e-5);
      }
    });

    it('returns an empty list for no texts', async () => {
      expect(await embedder.embed([])).toEqual([]);
    });

    it('gives a zero vector for empty or blank text, also inside a batch', async () => {
      const [first, empty, blank, last] = await embedder.embed([SAMPLE_TEXTS[0], '', '  \n\t ', SAMPLE_TEXTS[1]]);
      expect(empty?.every((value) => value === 0)).toBe(true);
      expect(blank?.every((value) => value === 0)).toBe(true);
      expect(norm(first as Float32Array)).toBeCloseTo(1, 5);
      expect(norm(last as Float32Array)).toBeCloseTo(1, 5);
    });

    it('is deterministic', async () => {
      const first = await embedder.embed(SAMPLE_TEXTS);
      const second = await embedder.embed(SAMPLE_TEXTS);
      first.forEach((vector, index) => expect(maxAbsDifference(vector, second[index] as Float32Array)).toBeLessThanOrEqual(tolerance));
    });

    it('keeps input order', async () => {
      const forward = await embedder.embed(SAMPLE_TEXTS);
      const backward = await embedder.embed([...SAMPLE_TEXTS].reverse());
      backward.reverse().forEach((vector, index) => {
        expect(maxAbsDifference(vector, forward[index] as Float32Array)).toBeLessThanOrEqual(tolerance);
      });
      // And the texts are actually told apart.
      expect(cosineSimilarity(forward[0] as Float32Array, forward[1] as Float32Array)).toBeLessThan(0.99);
    });

    it('gives a batch the same vectors as one text at a time', async () => {
      const texts = [...SAMPLE_TEXTS, longText(300), 'ok'];
      const batch = await embedder.embed(texts);
      for (const [index, text] of texts.entries()) {
        const [alone] = await embedder.embed([text]);
        expect(maxAbsDifference(batch[index] as Float32Array, alone as Float32Array)).toBeLessThanOrEqual(tolerance);
      }
    });

    it('hands out vectors the caller may modify without affecting later results', async () => {
      const [first] = await embedder.embed([SAMPLE_TEXTS[2]]);
      const copy = Float32Array.from(first as Float32Array);
      (first as Float32Array).fill(7);
      const [again] = await embedder.embed([SAMPLE_TEXTS[2]]);
      expect(maxAbsDifference(again as Float32Array, copy)).toBeLessThanOrEqual(tolerance);
    });

    it('places a reworded question closer than an unrelated sentence', async () => {
      const [question, reworded, unrelated] = await embedder.embed([
        'How do I reverse a linked list in Python?',
        'What is the best way to reverse a Python linked list?',
        'The weather in Paris is sunny and warm today.',
      ]);
      const close = cosineSimilarity(question as Float32Array, reworded as Float32Array);
      const far = cosineSimilarity(question as Float32Array, unrelated as Float32Array);
      expect(close).toBeGreaterThan(far + 0.05);
    });

    it.runIf(options.semantic)('places a paraphrase with no shared content word closer than an unrelated sentence', async () => {
      const [doctor, physician, football] = await embedder.embed([
        'Doctors treat sick patients in hospitals.',
        'A physician cares for ill people at the clinic.',
        'Our team won the football match yesterday evening.',
      ]);
      const close = cosineSimilarity(doctor as Float32Array, physician as Float32Array);
      const far = cosineSimilarity(doctor as Float32Array, football as Float32Array);
      expect(close).toBeGreaterThan(far + 0.1);
    });

    it('handles long, unicode and punctuation-only text', async () => {
      const vectors = await embedder.embed([longText(5000), 'Café déjà vu — naïve façade 🙂 日本語のテキスト', '?!...;;']);
      for (const vector of vectors) {
        expect(vector).toHaveLength(options.dim);
        expect(vector.every(Number.isFinite)).toBe(true);
      }
      expect(Math.abs(norm(vectors[0] as Float32Array) - 1)).toBeLessThan(1e-5);
    });

    it('can be closed twice', async () => {
      const extra = await options.create();
      await extra.close();
      await expect(extra.close()).resolves.toBeUndefined();
    });
  });
}
