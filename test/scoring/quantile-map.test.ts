// The reference-quantile map: strictly increasing (never reorders prompts), 0 and 1 at the ends, and
// a threshold t keeps about (1 - t) of reference-like scores on the strong side.

import { describe, expect, it } from 'vitest';
import { createQuantileMap, weightedQuantiles } from '../../src/scoring/learned/quantile-map.ts';

describe('weightedQuantiles', () => {
  it('matches plain quantiles with equal weights and honours weights', () => {
    const values = Array.from({ length: 1001 }, (_, i) => i / 1000);
    const q = weightedQuantiles(values, values.map(() => 1), 11);
    q.forEach((v, k) => expect(v).toBeCloseTo(k / 10, 2));
    // Half the weight on one value pulls the median onto it.
    const weighted = weightedQuantiles([0.1, 0.2, 0.3, 0.9], [1, 1, 1, 3], 3);
    expect(weighted).toEqual([0.1, 0.3, 0.9]);
    expect(() => weightedQuantiles([0.5], [0])).toThrow(/no weighted values/);
  });
});

describe('createQuantileMap', () => {
  it('turns compressed raw scores into ranks among the reference', () => {
    // Raw scores squeezed into [0.44, 0.56], as a model trained on soft labels gives.
    const reference = Array.from({ length: 5000 }, (_, i) => 0.44 + 0.12 * ((i * 7919) % 5000) / 5000);
    const map = createQuantileMap(weightedQuantiles(reference, reference.map(() => 1)));
    const mapped = reference.map(map);
    for (const t of [0.2, 0.5, 0.8]) {
      const strongShare = mapped.filter((s) => s >= t).length / mapped.length;
      expect(strongShare).toBeCloseTo(1 - t, 1);
    }
    expect(map(0)).toBe(0);
    expect(map(1)).toBe(1);
    expect(map(0.3)).toBeGreaterThan(0);
    expect(map(0.3)).toBeLessThan(0.002);
    expect(map(0.9)).toBeGreaterThan(0.998);
  });

  it('is strictly increasing, even across repeated quantiles', () => {
    const map = createQuantileMap([0.2, 0.4, 0.4, 0.4, 0.6, 0.8]);
    let previous = -1;
    for (let raw = 0.001; raw < 1; raw += 0.001) {
      const value = map(raw);
      expect(value).toBeGreaterThan(previous);
      previous = value;
    }
  });
});
