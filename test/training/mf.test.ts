import { describe, expect, it } from 'vitest';
import { createGaussian, createRandom, sigmoid, type Matrix } from '../../src/training/trainers/matrix.ts';
import { mfLoss, mfPairModel, trainMf, type Comparison } from '../../src/training/trainers/mf.ts';
import { forwardOne } from '../../src/training/trainers/model.ts';

/** Models with a latent skill; prompt difficulty is feature 0; harder prompts separate skills more. */
function skillData(seed: number): { x: Matrix; comparisons: Comparison[]; models: string[] } {
  const gaussian = createGaussian(createRandom(seed));
  const random = createRandom(seed + 1);
  const skills = [2, 1, 0, -1, -2];
  const models = skills.map((_, i) => `m${i}`);
  const rows = 400;
  const cols = 4;
  const data = new Float64Array(rows * cols);
  const comparisons: Comparison[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) data[r * cols + c] = gaussian();
    const difficulty = data[r * cols] ?? 0;
    for (let a = 0; a < skills.length; a++) {
      for (let b = a + 1; b < skills.length; b++) {
        const p = sigmoid(((skills[a] ?? 0) - (skills[b] ?? 0)) * difficulty * 1.5);
        comparisons.push({ row: r, a, b, y: random() < p ? 1 : 0, weight: 1 });
      }
    }
  }
  return { x: { rows, cols, data }, comparisons, models };
}

describe('matrix factorisation', () => {
  it('learns that the stronger model wins more on harder prompts, for any pair', () => {
    const { x, comparisons, models } = skillData(3);
    const untrained = trainMf(x, models, comparisons, { epochs: 0 });
    const model = trainMf(x, models, comparisons, { rank: 2, epochs: 30, seed: 2 });
    expect(mfLoss(model, x, comparisons)).toBeLessThan(mfLoss(untrained, x, comparisons) - 0.05);
    const strongVsWeak = mfPairModel(model, 'm0', 'm4');
    const weakVsStrong = mfPairModel(model, 'm4', 'm0');
    // Weight on the difficulty feature points the right way, and the pair model is antisymmetric.
    expect(strongVsWeak.weights[0]).toBeGreaterThan(0.5);
    expect(Math.abs((strongVsWeak.weights[0] ?? 0) + (weakVsStrong.weights[0] ?? 0))).toBeLessThan(1e-5);
    const hard = forwardOne(strongVsWeak, [2, 0, 0, 0]);
    const easy = forwardOne(strongVsWeak, [-2, 0, 0, 0]);
    expect(hard).toBeGreaterThan(0.8);
    expect(easy).toBeLessThan(0.2);
    // A close pair separates less than a distant pair.
    expect(Math.abs(mfPairModel(model, 'm1', 'm2').weights[0] ?? 0)).toBeLessThan(strongVsWeak.weights[0] ?? 0);
    expect(() => mfPairModel(model, 'm0', 'nobody')).toThrow(/not in the factorisation/);
  });
});
