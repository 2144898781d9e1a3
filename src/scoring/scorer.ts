// The Scorer interface: how much a request needs the strong model, as a number in [0, 1].
// The routing core sends a request to the strong model when score >= threshold.

import type { ChatRequest } from '../protocol/chat.ts';

export interface ScoreResult {
  /** In [0, 1]; higher = more likely the weak model falls short of the strong one. */
  score: number;
  /** Task type inferred from the prompt (code, math, reasoning, ...), when the scorer infers one. */
  taskType?: string;
  /** Free-form numbers for logging and debugging (e.g. embed_ms, cache_hit). */
  details?: Record<string, number | string | boolean>;
  /** The input the score was computed from, for logging and re-scoring (no text). */
  features?: { layout: string; vector: Float32Array };
  /** Name of the scorer that produced this result, when a wrapper may have swapped it since (hot swap). */
  scorer?: string;
}

export interface Scorer {
  /** Scorer kind and model, e.g. "random" or "learned:default@1". */
  readonly name: string;
  score(request: ChatRequest, signal?: AbortSignal): Promise<ScoreResult>;
  close(): Promise<void>;
}
