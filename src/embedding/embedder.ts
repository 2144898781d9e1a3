// The Embedder interface: turns texts into fixed-size sentence vectors. Every implementation
// (USE-lite, transformers.js over a local model folder, ONNX word-vector folders, hashed n-grams)
// runs the shared conformance suite in test/embedding/embedder.conformance.ts.

export interface Embedder {
  /** Stable identifier including version, e.g. "glove-100d@1" or "use-lite@0.2.0". Written into model meta.json. */
  readonly id: string;
  /** Length of every returned vector. */
  readonly dim: number;
  /** One L2-normalised vector per input text, in input order. Empty text gives a zero vector. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** Releases native resources. Safe to call twice. */
  close(): Promise<void>;
}
