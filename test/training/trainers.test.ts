import { describe, expect, it } from 'vitest';
import { trainLogistic } from '../../src/training/trainers/logistic.ts';
import { trainMlp } from '../../src/training/trainers/mlp.ts';
import { forwardMatrix } from '../../src/training/trainers/model.ts';
import { accuracy, linearSet, xorSet } from './synthetic.ts';

describe('logistic regression', () => {
  it('recovers the sign and ratio of the true weights and ignores distractors', () => {
    const set = linearSet(3000, 5, 7);
    const model = trainLogistic(set, { l2: 1e-4, classWeight: 'none' });
    const [w0, w1, ...rest] = model.weights.map((w, j) => w / (model.standardizer.std[j] ?? 1));
    expect(w0).toBeGreaterThan(2);
    expect(w1).toBeLessThan(-0.5);
    expect((w0 ?? 0) / -(w1 ?? 1)).toBeGreaterThan(2);
    expect((w0 ?? 0) / -(w1 ?? 1)).toBeLessThan(4.5);
    for (const w of rest) expect(Math.abs(w)).toBeLessThan(0.2);
    expect(accuracy(forwardMatrix(model, set.x), set.y)).toBeGreaterThan(0.8);
  });

  it('stronger L2 shrinks the weights', () => {
    const set = linearSet(1000, 3, 3);
    const loose = trainLogistic(set, { l2: 1e-4 });
    const tight = trainLogistic(set, { l2: 1 });
    expect(Math.abs(tight.weights[0] ?? 0)).toBeLessThan(Math.abs(loose.weights[0] ?? 0) / 2);
  });

  it('balanced class weights move the mean score towards 0.5 on skewed labels', () => {
    const set = linearSet(2000, 3, 11);
    set.y.forEach((v, i) => (set.y[i] = v === 1 && i % 3 !== 0 ? 0 : v));
    const mean = (s: Float64Array) => s.reduce((a, b) => a + b, 0) / s.length;
    const plain = mean(forwardMatrix(trainLogistic(set, { classWeight: 'none' }), set.x));
    const balanced = mean(forwardMatrix(trainLogistic(set, { classWeight: 'balanced' }), set.x));
    expect(plain).toBeLessThan(0.3);
    expect(balanced).toBeGreaterThan(plain + 0.1);
  });
});

describe('MLP', () => {
  it('learns XOR, which a linear model cannot', () => {
    const train = xorSet(2000, 5);
    const test = xorSet(500, 6);
    const mlp = trainMlp(train, { hidden: 16, seed: 3, maxEpochs: 80, dropout: 0 });
    const linear = trainLogistic(train);
    expect(accuracy(forwardMatrix(mlp, test.x), test.y)).toBeGreaterThan(0.9);
    expect(accuracy(forwardMatrix(linear, test.x), test.y)).toBeLessThan(0.65);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const set = xorSet(400, 9);
    const a = trainMlp(set, { hidden: 8, seed: 1, maxEpochs: 5 });
    const b = trainMlp(set, { hidden: 8, seed: 1, maxEpochs: 5 });
    const c = trainMlp(set, { hidden: 8, seed: 2, maxEpochs: 5 });
    expect(a.w1).toEqual(b.w1);
    expect(a.w1).not.toEqual(c.w1);
  });

  it('supports tanh and dropout', () => {
    const train = xorSet(1500, 12);
    const model = trainMlp(train, { hidden: 16, activation: 'tanh', dropout: 0.2, seed: 4, maxEpochs: 80 });
    expect(model.activation).toBe('tanh');
    expect(accuracy(forwardMatrix(model, train.x), train.y)).toBeGreaterThan(0.85);
  });
});
