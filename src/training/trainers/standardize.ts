// Feature standardisation (per-column mean and standard deviation). The statistics are stored in
// the model and applied inside the exported ONNX graph, so callers always pass raw features.

import type { Matrix } from './matrix.ts';

export interface Standardizer {
  mean: number[];
  std: number[];
  /** Standardised values are clipped to [-clip, clip]: a prompt unlike any training prompt cannot push the score without bound. */
  clip: number;
}

export const DEFAULT_CLIP = 5;

/** Column statistics; a constant column gets std 1 so it maps to 0 instead of NaN. */
export function fitStandardizer(x: Matrix, clip = DEFAULT_CLIP): Standardizer {
  const mean = new Array<number>(x.cols).fill(0);
  const sq = new Array<number>(x.cols).fill(0);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++) mean[j] = (mean[j] ?? 0) + (x.data[i * x.cols + j] ?? 0);
  }
  for (let j = 0; j < x.cols; j++) mean[j] = (mean[j] ?? 0) / Math.max(1, x.rows);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++) {
      const d = (x.data[i * x.cols + j] ?? 0) - (mean[j] ?? 0);
      sq[j] = (sq[j] ?? 0) + d * d;
    }
  }
  // Round-trip through float32 so the TypeScript forward pass and the ONNX graph use equal constants.
  const std = sq.map((s) => {
    const sd = Math.sqrt(s / Math.max(1, x.rows));
    return Math.fround(sd > 1e-8 ? sd : 1);
  });
  return { mean: mean.map((m) => Math.fround(m)), std, clip: Math.fround(clip) };
}

export function applyStandardizer(x: Matrix, s: Standardizer): Matrix {
  const data = new Float64Array(x.data.length);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++) {
      const k = i * x.cols + j;
      data[k] = clamp(((x.data[k] ?? 0) - (s.mean[j] ?? 0)) / (s.std[j] ?? 1), s.clip);
    }
  }
  return { rows: x.rows, cols: x.cols, data };
}

export function clamp(z: number, clip: number): number {
  return z > clip ? clip : z < -clip ? -clip : z;
}
