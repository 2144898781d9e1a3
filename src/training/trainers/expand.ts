// Widening a model trained on a subset of feature columns back to the full layout: dropped columns
// get weight 0 (and a neutral standardiser), so the exported graph reads the runtime's feature
// vector unchanged and those features cannot move the score.

import type { ScorerModel } from './model.ts';

/** `kept[i]` is the full-layout column of the model's input i; the result reads `fullDim` columns. */
export function expandModel(model: ScorerModel, kept: readonly number[], fullDim: number): ScorerModel {
  if (kept.length !== model.inputDim) throw new Error(`expandModel: ${kept.length} kept columns for a model of ${model.inputDim} inputs`);
  if (kept.length === fullDim) return model;
  const mean = new Array<number>(fullDim).fill(0);
  const std = new Array<number>(fullDim).fill(1);
  kept.forEach((col, i) => {
    mean[col] = model.standardizer.mean[i] ?? 0;
    std[col] = model.standardizer.std[i] ?? 1;
  });
  const standardizer = { ...model.standardizer, mean, std };
  if (model.kind === 'linear') {
    const weights = new Array<number>(fullDim).fill(0);
    kept.forEach((col, i) => (weights[col] = model.weights[i] ?? 0));
    return { ...model, inputDim: fullDim, standardizer, weights };
  }
  const w1 = new Array<number>(model.hidden * fullDim).fill(0);
  for (let h = 0; h < model.hidden; h++) kept.forEach((col, i) => (w1[h * fullDim + col] = model.w1[h * model.inputDim + i] ?? 0));
  return { ...model, inputDim: fullDim, standardizer, w1 };
}
