// Matrix factorisation across many models (RouteLLM-style): each model m has an embedding v_m and
// a bias b_m; a prompt's standardised features z are projected to p = W z; the chance that model a
// beats model b on the prompt is sigmoid((v_a - v_b) · p + b_a - b_b). Trained with mini-batch
// Adam on weighted pairwise comparisons (soft targets allowed). For one (strong, weak) pair the
// score is linear in z, so the export is a LinearScorerModel: weights = W^T (v_s - v_w).

import { Adam } from './adam.ts';
import { createGaussian, createRandom, shuffleInPlace, sigmoid, softplus, type Matrix } from './matrix.ts';
import { roundToFloat32, type LinearScorerModel } from './model.ts';
import { applyStandardizer, fitStandardizer, type Standardizer } from './standardize.ts';

export interface Comparison {
  /** Row of the feature matrix. */
  row: number;
  a: number;
  b: number;
  /** Target P(a beats b), in [0, 1]. */
  y: number;
  weight: number;
}

export interface MfOptions {
  /** Dimension of model embeddings and the prompt projection. */
  rank?: number;
  learningRate?: number;
  /** L2 on W and the model embeddings. */
  l2?: number;
  batchSize?: number;
  epochs?: number;
  seed?: number;
}

export const DEFAULT_MF_OPTIONS = { rank: 8, learningRate: 3e-3, l2: 1e-4, batchSize: 128, epochs: 20, seed: 1 };

export interface MfModel {
  models: string[];
  rank: number;
  inputDim: number;
  standardizer: Standardizer;
  /** rank x inputDim, row-major. */
  projection: Float64Array;
  embeddings: Float64Array;
  biases: Float64Array;
}

export function trainMf(x: Matrix, models: readonly string[], comparisons: readonly Comparison[], options: MfOptions = {}): MfModel {
  const opts = { ...DEFAULT_MF_OPTIONS, ...options };
  const random = createRandom(opts.seed);
  const gaussian = createGaussian(random);
  const rows = [...new Set(comparisons.map((c) => c.row))];
  const standardizer = fitStandardizer(x);
  const z = applyStandardizer(x, standardizer);
  const d = x.cols;
  const k = opts.rank;
  const m = models.length;
  // params = [W (k*d), V (m*k), b (m)]
  const offV = k * d;
  const offB = offV + m * k;
  const params = new Float64Array(offB + m);
  for (let i = 0; i < k * d; i++) params[i] = gaussian() * Math.sqrt(1 / d);
  for (let i = 0; i < m * k; i++) params[offV + i] = gaussian() * Math.sqrt(1 / k);
  const adam = new Adam(params.length, { learningRate: opts.learningRate });
  const grad = new Float64Array(params.length);
  const projected = new Float64Array(k);
  const order = comparisons.map((_, i) => i);
  if (rows.length === 0) throw new Error('matrix factorisation needs comparisons');

  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    shuffleInPlace(order, random);
    for (let start = 0; start < order.length; start += opts.batchSize) {
      const batch = order.slice(start, start + opts.batchSize);
      grad.fill(0);
      let total = 0;
      for (const ci of batch) total += comparisons[ci]?.weight ?? 0;
      if (total <= 0) continue;
      for (const ci of batch) {
        const c = comparisons[ci] as Comparison;
        const zr = c.row * d;
        for (let r = 0; r < k; r++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += (params[r * d + j] ?? 0) * (z.data[zr + j] ?? 0);
          projected[r] = s;
        }
        let logit = (params[offB + c.a] ?? 0) - (params[offB + c.b] ?? 0);
        for (let r = 0; r < k; r++) logit += ((params[offV + c.a * k + r] ?? 0) - (params[offV + c.b * k + r] ?? 0)) * (projected[r] ?? 0);
        const w = c.weight / total;
        const dLogit = w * (sigmoid(logit) - c.y);
        grad[offB + c.a] = (grad[offB + c.a] ?? 0) + dLogit;
        grad[offB + c.b] = (grad[offB + c.b] ?? 0) - dLogit;
        for (let r = 0; r < k; r++) {
          const diff = (params[offV + c.a * k + r] ?? 0) - (params[offV + c.b * k + r] ?? 0);
          grad[offV + c.a * k + r] = (grad[offV + c.a * k + r] ?? 0) + dLogit * (projected[r] ?? 0);
          grad[offV + c.b * k + r] = (grad[offV + c.b * k + r] ?? 0) - dLogit * (projected[r] ?? 0);
          const g = dLogit * diff;
          if (g === 0) continue;
          for (let j = 0; j < d; j++) grad[r * d + j] = (grad[r * d + j] ?? 0) + g * (z.data[zr + j] ?? 0);
        }
      }
      for (let i = 0; i < offB; i++) grad[i] = (grad[i] ?? 0) + opts.l2 * (params[i] ?? 0);
      adam.step(params, grad);
    }
  }
  return {
    models: [...models],
    rank: k,
    inputDim: d,
    standardizer,
    projection: params.slice(0, offV),
    embeddings: params.slice(offV, offB),
    biases: params.slice(offB),
  };
}

/** Mean training loss, for tests and diagnostics. */
export function mfLoss(model: MfModel, x: Matrix, comparisons: readonly Comparison[]): number {
  const linear = (a: number, b: number) => mfPairModel(model, model.models[a] ?? '', model.models[b] ?? '');
  const cache = new Map<string, LinearScorerModel>();
  let loss = 0;
  let total = 0;
  for (const c of comparisons) {
    const key = `${c.a}/${c.b}`;
    const lm = cache.get(key) ?? linear(c.a, c.b);
    cache.set(key, lm);
    let logit = lm.bias;
    for (let j = 0; j < lm.inputDim; j++) {
      logit += (lm.weights[j] ?? 0) * (((x.data[c.row * x.cols + j] ?? 0) - (lm.standardizer.mean[j] ?? 0)) / (lm.standardizer.std[j] ?? 1));
    }
    loss += c.weight * (c.y * softplus(-logit) + (1 - c.y) * softplus(logit));
    total += c.weight;
  }
  return loss / Math.max(total, 1e-12);
}

/** The linear scorer P(strong beats weak | x) that the factorisation implies for one pair. */
export function mfPairModel(model: MfModel, strong: string, weak: string): LinearScorerModel {
  const s = model.models.indexOf(strong);
  const w = model.models.indexOf(weak);
  if (s < 0 || w < 0) throw new Error(`model pair ${strong} / ${weak} not in the factorisation (${model.models.join(', ')})`);
  const k = model.rank;
  const d = model.inputDim;
  const weights = new Array<number>(d).fill(0);
  for (let r = 0; r < k; r++) {
    const diff = (model.embeddings[s * k + r] ?? 0) - (model.embeddings[w * k + r] ?? 0);
    for (let j = 0; j < d; j++) weights[j] = (weights[j] ?? 0) + diff * (model.projection[r * d + j] ?? 0);
  }
  return roundToFloat32({
    kind: 'linear',
    inputDim: d,
    standardizer: model.standardizer,
    weights,
    bias: (model.biases[s] ?? 0) - (model.biases[w] ?? 0),
  });
}
