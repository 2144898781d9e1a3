// Small deterministic data sets for trainer tests (trainers are pure math; these sets have known answers).

import { createGaussian, createRandom, type Matrix } from '../../src/training/trainers/matrix.ts';
import type { TrainingSet } from '../../src/training/trainers/model.ts';

/** Labels follow sigmoid(3*x0 - 2*x1) with noise; columns 2.. are distractors with large offsets. */
export function linearSet(rows: number, cols: number, seed: number): TrainingSet {
  const gaussian = createGaussian(createRandom(seed));
  const random = createRandom(seed + 1);
  const data = new Float64Array(rows * cols);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) data[i * cols + j] = gaussian() * (j + 1) + 10 * j;
    const z = 3 * ((data[i * cols] ?? 0) - 0) - 2 * (((data[i * cols + 1] ?? 0) - 10) / 2);
    y[i] = random() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  const x: Matrix = { rows, cols, data };
  return { x, y, weight: new Float64Array(rows).fill(1) };
}

/** XOR of the signs of two inputs: not linearly separable. */
export function xorSet(rows: number, seed: number): TrainingSet {
  const gaussian = createGaussian(createRandom(seed));
  const data = new Float64Array(rows * 2);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const a = gaussian();
    const b = gaussian();
    data[i * 2] = a;
    data[i * 2 + 1] = b;
    y[i] = a * b > 0 ? 1 : 0;
  }
  return { x: { rows, cols: 2, data }, y, weight: new Float64Array(rows).fill(1) };
}

export function accuracy(scores: Float64Array, labels: Float64Array): number {
  let hits = 0;
  scores.forEach((s, i) => (hits += (s >= 0.5 ? 1 : 0) === labels[i] ? 1 : 0));
  return hits / scores.length;
}
