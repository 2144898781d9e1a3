// Shapes shared by the evaluation library. Records are structural so that eval does not depend
// on training: anything with per-model `scores` (e.g. a LabelledRecord) can be evaluated.

export interface ScoredRecord {
  id?: string;
  prompt?: string;
  scores: Readonly<Record<string, number>>;
}

/** One point of a cost-quality curve. */
export interface CurvePoint {
  /** Share of prompts sent to the strong model, in [0, 1]. */
  strongShare: number;
  /** Mean over prompts of the chosen model's score. */
  quality: number;
  /** Router-score threshold that produced the point (absent for computed baselines). */
  threshold?: number;
}

/** Per-prompt quality of each model of the pair, aligned with the records. */
export interface PairQualities {
  strong: Float64Array;
  weak: Float64Array;
}

export interface Interval {
  low: number;
  high: number;
}
