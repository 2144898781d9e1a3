// L2-regularised logistic regression on standardised features with soft labels, sample weights and
// class weights, fitted by full-batch L-BFGS (deterministic).

import { minimizeLbfgs } from './lbfgs.ts';
import { sigmoid, softplus } from './matrix.ts';
import { roundToFloat32, type LinearScorerModel, type TrainingSet } from './model.ts';
import { applyStandardizer, fitStandardizer } from './standardize.ts';
import { resolveClassWeights, type ClassWeighting } from './class-weights.ts';

export interface LogisticOptions {
  /** L2 penalty on the weights (not the bias), per unit of normalised sample weight. */
  l2?: number;
  classWeight?: ClassWeighting;
  maxIterations?: number;
}

export const DEFAULT_LOGISTIC_OPTIONS: Required<LogisticOptions> = { l2: 1e-2, classWeight: 'balanced', maxIterations: 300 };

export function trainLogistic(set: TrainingSet, options: LogisticOptions = {}): LinearScorerModel {
  const opts = { ...DEFAULT_LOGISTIC_OPTIONS, ...options };
  const standardizer = fitStandardizer(set.x);
  const x = applyStandardizer(set.x, standardizer);
  const d = x.cols;
  const cw = resolveClassWeights(set.y, set.weight, opts.classWeight);
  let totalWeight = 0;
  for (let i = 0; i < x.rows; i++) totalWeight += set.weight[i] ?? 1;
  const norm = 1 / Math.max(totalWeight, 1e-12);

  // params = [w_0 .. w_{d-1}, bias]
  const objective = (params: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    const bias = params[d] ?? 0;
    for (let i = 0; i < x.rows; i++) {
      const row = i * d;
      let z = bias;
      for (let j = 0; j < d; j++) z += (params[j] ?? 0) * (x.data[row + j] ?? 0);
      const y = set.y[i] ?? 0;
      const w = (set.weight[i] ?? 1) * norm;
      const wp = w * cw.positive * y;
      const wn = w * cw.negative * (1 - y);
      // -[y log s + (1-y) log(1-s)] = y softplus(-z) + (1-y) softplus(z)
      loss += wp * softplus(-z) + wn * softplus(z);
      const p = sigmoid(z);
      const dz = wp * (p - 1) + wn * p;
      for (let j = 0; j < d; j++) grad[j] = (grad[j] ?? 0) + dz * (x.data[row + j] ?? 0);
      grad[d] = (grad[d] ?? 0) + dz;
    }
    for (let j = 0; j < d; j++) {
      const wj = params[j] ?? 0;
      loss += 0.5 * opts.l2 * wj * wj;
      grad[j] = (grad[j] ?? 0) + opts.l2 * wj;
    }
    return loss;
  };

  const result = minimizeLbfgs(objective, new Float64Array(d + 1), { maxIterations: opts.maxIterations });
  return roundToFloat32({
    kind: 'linear',
    inputDim: d,
    standardizer,
    weights: Array.from(result.params.subarray(0, d)),
    bias: result.params[d] ?? 0,
  });
}
