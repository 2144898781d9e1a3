// The trained scorer models (JSON-serialisable) and their TypeScript forward pass. The ONNX
// exporter writes exactly this computation; the parity test holds the two together.

import { sigmoid, type Matrix } from './matrix.ts';
import { clamp, type Standardizer } from './standardize.ts';

/** standardise(x) = clip((x - mean) / std, -clip, clip). score = sigmoid(w · standardise(x) + b). Matrix factorisation for one model pair also reduces to this. */
export interface LinearScorerModel {
  kind: 'linear';
  inputDim: number;
  standardizer: Standardizer;
  weights: number[];
  bias: number;
}

/** score = sigmoid(w2 · act(W1 · standardise(x) + b1) + b2); W1 is hidden x inputDim, row-major. */
export interface MlpScorerModel {
  kind: 'mlp';
  inputDim: number;
  hidden: number;
  activation: 'relu' | 'tanh';
  standardizer: Standardizer;
  w1: number[];
  b1: number[];
  w2: number[];
  b2: number;
}

export type ScorerModel = LinearScorerModel | MlpScorerModel;

/** Training data: features, soft labels in [0, 1] and sample weights. */
export interface TrainingSet {
  x: Matrix;
  y: Float64Array;
  weight: Float64Array;
}

export function activate(kind: 'relu' | 'tanh', z: number): number {
  return kind === 'relu' ? (z > 0 ? z : 0) : Math.tanh(z);
}

/** Probability that the weak model falls short, for one raw feature vector. */
export function forwardOne(model: ScorerModel, x: ArrayLike<number>): number {
  if (x.length !== model.inputDim) throw new Error(`expected ${model.inputDim} features, got ${x.length}`);
  const { mean, std, clip } = model.standardizer;
  const z = new Float64Array(model.inputDim);
  // Same float32 steps as the ONNX graph (Sub, Div, Clip), so parity holds to ~1e-7.
  for (let j = 0; j < model.inputDim; j++) z[j] = clamp(Math.fround(Math.fround((x[j] ?? 0) - (mean[j] ?? 0)) / (std[j] ?? 1)), clip);
  if (model.kind === 'linear') {
    let s = model.bias;
    for (let j = 0; j < model.inputDim; j++) s += (model.weights[j] ?? 0) * (z[j] ?? 0);
    return sigmoid(s);
  }
  let out = model.b2;
  for (let h = 0; h < model.hidden; h++) {
    let a = model.b1[h] ?? 0;
    const row = h * model.inputDim;
    for (let j = 0; j < model.inputDim; j++) a += (model.w1[row + j] ?? 0) * (z[j] ?? 0);
    out += (model.w2[h] ?? 0) * activate(model.activation, a);
  }
  return sigmoid(out);
}

export function forwardMatrix(model: ScorerModel, x: Matrix): Float64Array {
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) out[i] = forwardOne(model, x.data.subarray(i * x.cols, (i + 1) * x.cols));
  return out;
}

/** Rounds every parameter to float32 so the ONNX graph (float32) and this forward pass share constants. */
export function roundToFloat32<M extends ScorerModel>(model: M): M {
  const r = (v: number[]) => v.map((n) => Math.fround(n));
  const standardizer = { mean: r(model.standardizer.mean), std: r(model.standardizer.std), clip: Math.fround(model.standardizer.clip) };
  if (model.kind === 'linear') {
    return { ...model, standardizer, weights: r(model.weights), bias: Math.fround(model.bias) };
  }
  return { ...model, standardizer, w1: r(model.w1), b1: r(model.b1), w2: r(model.w2), b2: Math.fround(model.b2) };
}
