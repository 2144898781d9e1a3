import { describe, expect, it } from 'vitest';
import { createHashedNgramEmbedder } from '../../src/embedding/hashed-ngrams.ts';
import { cosineSimilarity } from '../../src/embedding/vector-math.ts';
import { describeEmbedderConformance } from './embedder.conformance.ts';

describeEmbedderConformance('hashed-ngrams (512)', { create: async () => createHashedNgramEmbedder(), dim: 512, batchTolerance: 0, semantic: false });
describeEmbedderConformance('hashed-ngrams (64)', { create: async () => createHashedNgramEmbedder({ dim: 64 }), dim: 64, batchTolerance: 0, semantic: false });

describe('hashed-ngrams', () => {
  it('puts the dimension in its id and rejects unusable dimensions', () => {
    expect(createHashedNgramEmbedder({ dim: 128 }).id).toBe('hashed-ngrams-128@1');
    expect(() => createHashedNgramEmbedder({ dim: 4 })).toThrow(/>= 8/);
    expect(() => createHashedNgramEmbedder({ dim: 12.5 })).toThrow(/integer/);
  });

  it('ignores case and is close for spelling variants through character n-grams', async () => {
    const embedder = createHashedNgramEmbedder();
    const [lower, upper, variant, other] = await embedder.embed(['optimise the database', 'OPTIMISE THE DATABASE', 'optimize the databases', 'bake a chocolate cake']);
    expect(cosineSimilarity(lower as Float32Array, upper as Float32Array)).toBeCloseTo(1, 6);
    expect(cosineSimilarity(lower as Float32Array, variant as Float32Array)).toBeGreaterThan(cosineSimilarity(lower as Float32Array, other as Float32Array) + 0.2);
  });
});
