// Edge cases of the eval metrics, each worked out by hand: APGR over a curve that does not start at
// a 0% strong share, CPT on plateaus, at the first point and never reached, AUC with one class
// missing, and bootstrap resamples that tie (PGR undefined) being skipped.

import { describe, expect, it } from 'vitest';
import { bootstrapIntervals } from '../../src/eval/bootstrap.ts';
import { rankByScore } from '../../src/eval/curve.ts';
import { apgr, callsToReach, rocAuc } from '../../src/eval/metrics.ts';
import type { CurvePoint } from '../../src/eval/types.ts';

const curve = (...points: Array<[number, number]>): CurvePoint[] => points.map(([strongShare, quality]) => ({ strongShare, quality }));

describe('apgr', () => {
  it('normalises by the span of strong shares the curve covers', () => {
    // Area over [0.2, 1] = 0.8 * (0.5 + 1) / 2 = 0.6; weak line area 0.2 * 0.8 = 0.16;
    // (0.6 - 0.16) / ((1 - 0.2) * 0.8) = 0.6875.
    expect(apgr(curve([0.2, 0.5], [1, 1]), 1, 0.2)).toBeCloseTo(0.6875, 12);
    expect(apgr(curve([0.2, 0.5], [1, 1]), 1, 0)).toBeCloseTo(0.75, 12);
  });
});

describe('callsToReach', () => {
  it('is NaN for an empty curve', () => {
    expect(callsToReach([], 1, 0, 0.5)).toBeNaN();
  });

  it('returns the first point when it already reaches the goal, exactly at it too', () => {
    expect(callsToReach(curve([0.1, 0.7], [1, 1]), 1, 0, 0.5)).toBe(0.1);
    expect(callsToReach(curve([0.1, 0.5], [0.6, 0.5], [1, 1]), 1, 0, 0.5)).toBe(0.1);
  });

  it('takes the first point that reaches the goal exactly, not a later one', () => {
    expect(callsToReach(curve([0, 0], [0.4, 0.5], [0.8, 0.5], [1, 1]), 1, 0, 0.5)).toBeCloseTo(0.4, 12);
  });

  it('interpolates between the points around the goal, never extrapolating', () => {
    // Goal 0.5 lies between (0.5, 0.2) and (1, 1): 0.5 + (0.3 / 0.8) * 0.5 = 0.6875.
    expect(callsToReach(curve([0, 0], [0.5, 0.2], [1, 1]), 1, 0, 0.5)).toBeCloseTo(0.6875, 12);
  });

  it('is NaN when the goal is never reached, without reading past the curve', () => {
    expect(callsToReach(curve([0, 0], [0.5, 0.2], [1, 0.4]), 1, 0, 0.5)).toBeNaN();
  });
});

describe('rocAuc', () => {
  it('is NaN when a class is missing', () => {
    expect(rocAuc([0.1, 0.2], [true, true])).toBeNaN();
    expect(rocAuc([0.1, 0.2], [false, false])).toBeNaN();
  });

  it('counts ties as half and honours weights', () => {
    expect(rocAuc([0.5, 0.5], [true, false])).toBe(0.5);
    // Positive above the negative counts 3 times with weight 3, one tie counts as half.
    expect(rocAuc([0.9, 0.1, 0.5, 0.5], [true, false, true, false], [3, 1, 1, 1])).toBeCloseTo((3 * 2 + 1 * 1 + 0.5 * 1) / (4 * 2), 12);
  });
});

describe('bootstrapIntervals', () => {
  it('skips resamples whose means tie, so `used` counts only the finite ones', () => {
    // Two prompts: strong wins one, weak wins the other. A resample with one of each ties (PGR undefined).
    const ranked = rankByScore([0.9, 0.1], { strong: Float64Array.from([1, 0]), weak: Float64Array.from([0, 1]) });
    const ci = bootstrapIntervals(ranked, { resamples: 400, seed: 2 });
    expect(ci.used).toBeGreaterThan(100);
    expect(ci.used).toBeLessThan(300);
    for (const interval of [ci.apgr, ci.cpt50, ci.cpt80]) {
      expect(Number.isFinite(interval.low)).toBe(true);
      expect(Number.isFinite(interval.high)).toBe(true);
    }
  });

  it('passes `bins` on to every resample', () => {
    const scores = Array.from({ length: 60 }, (_, i) => (i * 37) % 60);
    const strong = Float64Array.from(scores, (s) => (s % 3 === 0 ? 0 : 1));
    const weak = Float64Array.from(scores, (s) => (s % 4 === 0 ? 1 : 0));
    const ranked = rankByScore(scores, { strong, weak });
    expect(bootstrapIntervals(ranked, { resamples: 50, seed: 1, bins: 3 })).not.toEqual(bootstrapIntervals(ranked, { resamples: 50, seed: 1 }));
  });
});
