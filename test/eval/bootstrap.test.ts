import { describe, expect, it } from 'vitest';
import { bootstrapIntervals, sortedQuantile } from '../../src/eval/bootstrap.ts';
import { rankByScore } from '../../src/eval/curve.ts';
import { evaluateScores } from '../../src/eval/evaluate-router.ts';
import { seededRandom } from '../../src/eval/prng.ts';
import type { PairQualities } from '../../src/eval/types.ts';

/** Synthetic benchmark: the router score is a noisy hint of where the strong model wins. */
function synthetic(n: number, seed: number): { scores: number[]; q: PairQualities } {
  const next = seededRandom(seed);
  const scores: number[] = [];
  const strong = new Float64Array(n);
  const weak = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const hard = next();
    weak[i] = next() > hard ? 1 : 0;
    strong[i] = next() > hard * 0.4 ? 1 : 0;
    scores.push(hard + (next() - 0.5) * 0.6);
  }
  return { scores, q: { strong, weak } };
}

describe('bootstrap intervals', () => {
  it('contain the point estimate and are reproducible by seed', () => {
    const { scores, q } = synthetic(400, 1);
    const m = evaluateScores(scores, q, { bootstrap: { resamples: 400, seed: 5 } });
    const ci = m.ci;
    expect(ci?.used).toBe(400);
    expect(ci?.apgr.low).toBeLessThanOrEqual(m.apgr);
    expect(ci?.apgr.high).toBeGreaterThanOrEqual(m.apgr);
    expect(ci?.cpt50.low).toBeLessThanOrEqual(m.cpt50);
    expect(ci?.cpt50.high).toBeGreaterThanOrEqual(m.cpt50);
    expect(ci?.cpt80.low).toBeLessThanOrEqual(m.cpt80);
    expect(ci?.cpt80.high).toBeGreaterThanOrEqual(m.cpt80);
    const again = evaluateScores(scores, q, { bootstrap: { resamples: 400, seed: 5 } });
    expect(again.ci).toEqual(ci);
    const otherSeed = evaluateScores(scores, q, { bootstrap: { resamples: 400, seed: 6 } });
    expect(otherSeed.ci).not.toEqual(ci);
  });

  it('narrows with more data', () => {
    const small = synthetic(150, 2);
    const large = synthetic(6000, 2);
    const width = (s: { scores: number[]; q: PairQualities }): number => {
      const ci = bootstrapIntervals(rankByScore(s.scores, s.q), { resamples: 300, seed: 9 });
      return ci.apgr.high - ci.apgr.low;
    };
    const narrow = width(large);
    const wide = width(small);
    expect(narrow).toBeGreaterThan(0);
    expect(narrow).toBeLessThan(wide / 3);
  });

  it('defaults to 1000 resamples', () => {
    const { scores, q } = synthetic(60, 3);
    expect(bootstrapIntervals(rankByScore(scores, q)).used).toBe(1000);
  });

  it('interpolates quantiles linearly', () => {
    expect(sortedQuantile([0, 10], 0.25)).toBe(2.5);
    expect(sortedQuantile([], 0.5)).toBeNaN();
  });
});
