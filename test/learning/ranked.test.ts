// The ranking every calibrator stands on: scores ordered highest first (ties in input order, and
// only scores in [0, 1]), and the operating points a threshold can produce (one per tie-group
// boundary, each with a threshold that sends exactly that many items strong).

import { describe, expect, it } from 'vitest';
import { operatingPoints, orderHighestFirst } from '../../src/learning/calibrate/ranked.ts';

describe('orderHighestFirst', () => {
  it.each([
    ['already ordered', [0.9, 0.5, 0.1], [0, 1, 2]],
    ['reversed', [0.1, 0.5, 0.9], [2, 1, 0]],
    ['ties keep input order', [0.5, 0.9, 0.5, 0.9], [1, 3, 0, 2]],
    ['the bounds 0 and 1 are scores', [0, 1, 0.5], [1, 2, 0]],
    ['empty', [], []],
  ])('%s', (_name, scores, order) => {
    expect(orderHighestFirst(scores)).toEqual(order);
  });

  it('keeps input order among ties in a long list too', () => {
    const scores = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? 0.9 : 0.5));
    const high = scores.flatMap((s, i) => (s === 0.9 ? [i] : []));
    const low = scores.flatMap((s, i) => (s === 0.5 ? [i] : []));
    expect(orderHighestFirst(scores)).toEqual([...high, ...low]);
  });

  it.each([
    ['NaN', Number.NaN],
    ['infinity', Number.POSITIVE_INFINITY],
    ['below 0', -0.01],
    ['above 1', 1.01],
  ])('refuses a score that is %s, naming it', (_name, bad) => {
    expect(() => orderHighestFirst([0.5, bad])).toThrow(new RangeError(`score #1 is ${bad}, outside [0, 1]`));
  });
});

describe('operatingPoints', () => {
  it.each([
    ['no scores: nothing strong, threshold 1', [], [{ strongCount: 0, threshold: 1 }]],
    ['one score', [0.6], [{ strongCount: 0, threshold: (0.6 + 1) / 2 }, { strongCount: 1, threshold: 0.6 }]],
    [
      'distinct scores: midway between neighbours, the last at the lowest score',
      [0.8, 0.4, 0.2],
      [{ strongCount: 0, threshold: (0.8 + 1) / 2 }, { strongCount: 1, threshold: (0.8 + 0.4) / 2 }, { strongCount: 2, threshold: (0.4 + 0.2) / 2 }, { strongCount: 3, threshold: 0.2 }],
    ],
    [
      'tied scores move together',
      [0.8, 0.8, 0.4, 0.4, 0.4],
      [{ strongCount: 0, threshold: (0.8 + 1) / 2 }, { strongCount: 2, threshold: (0.8 + 0.4) / 2 }, { strongCount: 5, threshold: 0.4 }],
    ],
    ['a top score of 1 cannot be sent weak', [1, 0.5], [{ strongCount: 1, threshold: 0.75 }, { strongCount: 2, threshold: 0.5 }]],
    ['all 1', [1, 1], [{ strongCount: 2, threshold: 1 }]],
  ])('%s', (_name, sorted, points) => {
    expect(operatingPoints(sorted)).toEqual(points);
  });

  it('each threshold sends exactly its strongCount of the scores strong (score >= threshold)', () => {
    const sorted = [0.97, 0.9, 0.9, 0.62, 0.5, 0.5, 0.5, 0.11, 0];
    for (const point of operatingPoints(sorted)) {
      expect(sorted.filter((s) => s >= point.threshold)).toHaveLength(point.strongCount);
    }
  });
});
