// Small vector helpers shared by the embedders: L2 normalisation and cosine similarity.

/** Scales `vector` in place to unit length; a zero (or non-finite) vector becomes all zeros. */
export function normalizeInPlace(vector: Float32Array): Float32Array {
  let sumOfSquares = 0;
  for (let i = 0; i < vector.length; i++) {
    const value = vector[i] as number;
    sumOfSquares += value * value;
  }
  if (!(sumOfSquares > 0) || !Number.isFinite(sumOfSquares)) {
    vector.fill(0);
    return vector;
  }
  const scale = 1 / Math.sqrt(sumOfSquares);
  for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] as number) * scale;
  return vector;
}

/** Unit-length Float32 copy of (for example) a float64 accumulator; zero stays zero. */
export function normalizedCopy(values: ArrayLike<number>): Float32Array {
  let sumOfSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    sumOfSquares += value * value;
  }
  const out = new Float32Array(values.length);
  if (!(sumOfSquares > 0) || !Number.isFinite(sumOfSquares)) return out;
  const scale = 1 / Math.sqrt(sumOfSquares);
  for (let i = 0; i < values.length; i++) out[i] = (values[i] as number) * scale;
  return out;
}

/** Cosine similarity; 0 when either vector is zero. */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`vector lengths differ: ${a.length} vs ${b.length}`);
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA > 0 && normB > 0 ? dot / Math.sqrt(normA * normB) : 0;
}
