// One-hidden-layer MLP scorer (ReLU or tanh, optional dropout) trained with mini-batch Adam on
// weighted soft-label cross-entropy, with early stopping on a validation fold. Seeded: the same
// data, options and seed give the same model.

import { Adam } from './adam.ts';
import { resolveClassWeights, type ClassWeighting } from './class-weights.ts';
import { createGaussian, createRandom, pick, selectRows, shuffleInPlace, sigmoid, softplus, type Matrix } from './matrix.ts';
import { activate, roundToFloat32, type MlpScorerModel, type TrainingSet } from './model.ts';
import { applyStandardizer, fitStandardizer } from './standardize.ts';

export interface MlpOptions {
  hidden?: number;
  activation?: 'relu' | 'tanh';
  dropout?: number;
  learningRate?: number;
  /** Decoupled L2 weight decay on W1 and w2. */
  weightDecay?: number;
  batchSize?: number;
  maxEpochs?: number;
  /** Epochs without validation improvement before stopping. */
  patience?: number;
  classWeight?: ClassWeighting;
  seed?: number;
  /** Validation fold for early stopping; when absent, validationFraction of the rows is held out at random. */
  validation?: TrainingSet;
  validationFraction?: number;
}

export const DEFAULT_MLP_OPTIONS = {
  hidden: 32,
  activation: 'relu' as const,
  dropout: 0.1,
  learningRate: 3e-3,
  weightDecay: 1e-4,
  batchSize: 64,
  maxEpochs: 60,
  patience: 6,
  classWeight: 'balanced' as ClassWeighting,
  seed: 1,
  validationFraction: 0.15,
};

interface Layout {
  d: number;
  h: number;
  w1: number;
  b1: number;
  w2: number;
  b2: number;
  size: number;
}

function layoutFor(d: number, h: number): Layout {
  return { d, h, w1: 0, b1: h * d, w2: h * d + h, b2: h * d + 2 * h, size: h * d + 2 * h + 1 };
}

function splitValidation(set: TrainingSet, fraction: number, random: () => number): { train: TrainingSet; validation: TrainingSet } {
  const order = shuffleInPlace(Array.from({ length: set.x.rows }, (_, i) => i), random);
  const cut = Math.max(1, Math.floor(order.length * fraction));
  const take = (idx: number[]): TrainingSet => ({ x: selectRows(set.x, idx), y: pick(set.y, idx), weight: pick(set.weight, idx) });
  return { validation: take(order.slice(0, cut)), train: take(order.slice(cut)) };
}

/** Weighted cross-entropy of the current parameters (no dropout) on a standardised matrix. */
function evaluateLoss(params: Float64Array, L: Layout, act: 'relu' | 'tanh', x: Matrix, set: TrainingSet): number {
  let loss = 0;
  let total = 0;
  for (let i = 0; i < x.rows; i++) {
    let out = params[L.b2] ?? 0;
    for (let k = 0; k < L.h; k++) {
      let a = params[L.b1 + k] ?? 0;
      for (let j = 0; j < L.d; j++) a += (params[L.w1 + k * L.d + j] ?? 0) * (x.data[i * L.d + j] ?? 0);
      out += (params[L.w2 + k] ?? 0) * activate(act, a);
    }
    const y = set.y[i] ?? 0;
    const w = set.weight[i] ?? 1;
    loss += w * (y * softplus(-out) + (1 - y) * softplus(out));
    total += w;
  }
  return loss / Math.max(total, 1e-12);
}

export function trainMlp(set: TrainingSet, options: MlpOptions = {}): MlpScorerModel {
  const opts = { ...DEFAULT_MLP_OPTIONS, ...options };
  const random = createRandom(opts.seed);
  const gaussian = createGaussian(random);
  const split = opts.validation ? { train: set, validation: opts.validation } : splitValidation(set, opts.validationFraction, random);
  const standardizer = fitStandardizer(split.train.x);
  const x = applyStandardizer(split.train.x, standardizer);
  const xv = applyStandardizer(split.validation.x, standardizer);
  const L = layoutFor(x.cols, opts.hidden);
  const cw = resolveClassWeights(split.train.y, split.train.weight, opts.classWeight);

  const params = new Float64Array(L.size);
  const scale1 = opts.activation === 'relu' ? Math.sqrt(2 / L.d) : Math.sqrt(1 / L.d);
  for (let i = 0; i < L.h * L.d; i++) params[L.w1 + i] = gaussian() * scale1;
  for (let k = 0; k < L.h; k++) params[L.w2 + k] = gaussian() * Math.sqrt(1 / L.h);

  const adam = new Adam(L.size, { learningRate: opts.learningRate });
  const grad = new Float64Array(L.size);
  const hiddenPre = new Float64Array(L.h);
  const hiddenOut = new Float64Array(L.h);
  const keep = new Float64Array(L.h);
  const keepProb = 1 - opts.dropout;
  let best = { loss: Infinity, params: Float64Array.from(params), epoch: 0 };
  const order = Array.from({ length: x.rows }, (_, i) => i);

  for (let epoch = 1; epoch <= opts.maxEpochs; epoch++) {
    shuffleInPlace(order, random);
    for (let start = 0; start < order.length; start += opts.batchSize) {
      const batch = order.slice(start, start + opts.batchSize);
      grad.fill(0);
      let batchWeight = 0;
      for (const i of batch) batchWeight += split.train.weight[i] ?? 1;
      for (const i of batch) {
        const row = i * L.d;
        let out = params[L.b2] ?? 0;
        for (let k = 0; k < L.h; k++) {
          let a = params[L.b1 + k] ?? 0;
          for (let j = 0; j < L.d; j++) a += (params[L.w1 + k * L.d + j] ?? 0) * (x.data[row + j] ?? 0);
          hiddenPre[k] = a;
          // Inverted dropout: kept units are scaled so inference needs no correction.
          keep[k] = opts.dropout > 0 ? (random() < keepProb ? 1 / keepProb : 0) : 1;
          hiddenOut[k] = activate(opts.activation, a) * (keep[k] ?? 1);
          out += (params[L.w2 + k] ?? 0) * (hiddenOut[k] ?? 0);
        }
        const y = split.train.y[i] ?? 0;
        const w = (split.train.weight[i] ?? 1) / Math.max(batchWeight, 1e-12);
        const wp = w * cw.positive * y;
        const wn = w * cw.negative * (1 - y);
        const p = sigmoid(out);
        const dOut = wp * (p - 1) + wn * p;
        grad[L.b2] = (grad[L.b2] ?? 0) + dOut;
        for (let k = 0; k < L.h; k++) {
          grad[L.w2 + k] = (grad[L.w2 + k] ?? 0) + dOut * (hiddenOut[k] ?? 0);
          const pre = hiddenPre[k] ?? 0;
          const dAct = opts.activation === 'relu' ? (pre > 0 ? 1 : 0) : 1 - Math.tanh(pre) ** 2;
          const dPre = dOut * (params[L.w2 + k] ?? 0) * (keep[k] ?? 1) * dAct;
          if (dPre === 0) continue;
          grad[L.b1 + k] = (grad[L.b1 + k] ?? 0) + dPre;
          const wRow = L.w1 + k * L.d;
          for (let j = 0; j < L.d; j++) grad[wRow + j] = (grad[wRow + j] ?? 0) + dPre * (x.data[row + j] ?? 0);
        }
      }
      adam.step(params, grad);
      const decay = 1 - opts.learningRate * opts.weightDecay;
      for (let i = 0; i < L.h * L.d; i++) params[L.w1 + i] = (params[L.w1 + i] ?? 0) * decay;
      for (let k = 0; k < L.h; k++) params[L.w2 + k] = (params[L.w2 + k] ?? 0) * decay;
    }
    const validationLoss = evaluateLoss(params, L, opts.activation, xv, split.validation);
    if (validationLoss < best.loss - 1e-6) best = { loss: validationLoss, params: Float64Array.from(params), epoch };
    else if (epoch - best.epoch >= opts.patience) break;
  }

  const p = best.params;
  return roundToFloat32({
    kind: 'mlp',
    inputDim: L.d,
    hidden: L.h,
    activation: opts.activation,
    standardizer,
    w1: Array.from(p.subarray(L.w1, L.w1 + L.h * L.d)),
    b1: Array.from(p.subarray(L.b1, L.b1 + L.h)),
    w2: Array.from(p.subarray(L.w2, L.w2 + L.h)),
    b2: p[L.b2] ?? 0,
  });
}
