// Metrics on hand-computed cases (see the worked numbers in the comments).

import { describe, expect, it } from 'vitest';
import { oracleCurve, oracleScores, randomScores } from '../../src/eval/baselines.ts';
import { exactCurve, rankByScore, routellmSweep } from '../../src/eval/curve.ts';
import { evaluateScores } from '../../src/eval/evaluate-router.ts';
import { apgr, callsToReach, pgr, rocAuc, trapezoid } from '../../src/eval/metrics.ts';
import { seededRandom } from '../../src/eval/prng.ts';
import type { PairQualities } from '../../src/eval/types.ts';

// Four prompts A-D. Router scores 4,3,2,1. Strong model right on A,B,D; weak right on B,C.
// strong mean 0.75, weak mean 0.5. Quantile thresholds of [1,2,3,4] at 0%,10%..100% are
// 1, 1.3, 1.6, 1.9, 2.2, 2.5, 2.8, 3.1, 3.4, 3.7, 4 (strict at the last), giving points
// (share, quality): (1, .75), 3x(.75, .5), 3x(.5, .75), 3x(.25, .75), (0, .5).
// trapz = .15625 + .1875 + .15625 + .15625 = .65625; APGR = (.65625 - .5) / .25 = .625.
// CPT(50%): goal .625, reached between (0,.5) and (.25,.75) at .125; CPT(80%): goal .7 → .2.
// AUC for "strong strictly better" (A and D): pairs A>B, A>C, D<B, D<C → 2/4 = .5.
const hand: PairQualities = { strong: Float64Array.from([1, 1, 0, 1]), weak: Float64Array.from([0, 1, 1, 0]) };
const handScores = [4, 3, 2, 1];

describe('RouteLLM sweep and metrics', () => {
  it('reproduces the hand-computed sweep, APGR, CPTs and AUC', () => {
    const points = routellmSweep(rankByScore(handScores, hand));
    expect(points).toHaveLength(11);
    expect(points.map((p) => [p.strongShare, p.quality])).toEqual([
      [0, 0.5], [0.25, 0.75], [0.25, 0.75], [0.25, 0.75], [0.5, 0.75], [0.5, 0.75], [0.5, 0.75],
      [0.75, 0.5], [0.75, 0.5], [0.75, 0.5], [1, 0.75],
    ]);
    const m = evaluateScores(handScores, hand);
    expect(m.apgr).toBeCloseTo(0.625, 12);
    expect(m.cpt50).toBeCloseTo(0.125, 12);
    expect(m.cpt80).toBeCloseTo(0.2, 12);
    expect(m.auc).toBeCloseTo(0.5, 12);
  });

  it('uses numpy-style linear quantiles as thresholds', () => {
    const thresholds = routellmSweep(rankByScore(handScores, hand)).map((p) => p.threshold ?? Number.NaN).sort((a, b) => a - b);
    const expected = [1, 1.3, 1.6, 1.9, 2.2, 2.5, 2.8, 3.1, 3.4, 3.7, 4];
    thresholds.forEach((t, k) => expect(t).toBeCloseTo(expected[k] ?? Number.NaN, 12));
  });

  it('gives an all-tied router exactly the random line (APGR 0.5), whatever the record order', () => {
    const m = evaluateScores([7, 7, 7, 7], hand);
    expect(m.apgr).toBeCloseTo(0.5, 12);
    expect(m.cpt50).toBeCloseTo(0.5, 12);
    expect(m.cpt80).toBeCloseTo(0.8, 12);
    expect(m.auc).toBe(0.5);
  });

  it('does not depend on record order when scores tie', () => {
    const scores = [1, 2, 2, 2, 3, 3];
    const q: PairQualities = { strong: Float64Array.from([1, 0, 1, 1, 0, 1]), weak: Float64Array.from([0, 1, 0, 0, 1, 1]) };
    const perm = [5, 3, 1, 0, 4, 2];
    const permuted: PairQualities = { strong: Float64Array.from(perm, (i) => q.strong[i] ?? 0), weak: Float64Array.from(perm, (i) => q.weak[i] ?? 0) };
    const a = evaluateScores(scores, q);
    const b = evaluateScores(perm.map((i) => scores[i] ?? 0), permuted);
    expect(b.apgr).toBe(a.apgr);
    expect(b.curve).toEqual(a.curve);
  });

  it('ranks oracle above random above perfect-inverse', () => {
    const oracle = evaluateScores(oracleScores(hand), hand);
    const inverse = evaluateScores(oracleScores(hand).map((g) => -g), hand);
    // Oracle: gains A=1, B=0, C=-1, D=1. Sweep points (0,.5) (.5,1) (.75,1) (1,.75):
    // trapz = .375 + .25 + .21875 = .84375 → APGR (.84375 - .5) / .25 = 1.375.
    expect(oracle.apgr).toBeCloseTo(1.375, 12);
    expect(oracle.auc).toBe(1);
    expect(inverse.apgr).toBeLessThan(0.5);
    expect(inverse.auc).toBe(0);
  });

  it('keeps the building blocks honest', () => {
    expect(pgr(0.7, 0.8, 0.6)).toBeCloseTo(0.5, 12);
    expect(trapezoid([0, 0.5, 1], [0, 1, 1])).toBeCloseTo(0.75, 12);
    const line = [{ strongShare: 0, quality: 0 }, { strongShare: 1, quality: 1 }];
    expect(apgr(line, 1, 0)).toBeCloseTo(0.5, 12);
    expect(callsToReach(line, 1, 0, 0.8)).toBeCloseTo(0.8, 12);
    // Non-monotone curve: CPT is the first crossing.
    const wobbly = [{ strongShare: 0, quality: 0 }, { strongShare: 0.2, quality: 0.6 }, { strongShare: 0.4, quality: 0.3 }, { strongShare: 1, quality: 1 }];
    expect(callsToReach(wobbly, 1, 0, 0.5)).toBeCloseTo(0.2 * (0.5 / 0.6), 12);
    // sklearn's textbook case: scores .1 .4 .35 .8 for labels 0 0 1 1 → 0.75.
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBeCloseTo(0.75, 12);
    expect(rocAuc([1, 2], [true, true])).toBeNaN();
  });

  it('exact curve has every distinct operating point from 0% to 100%', () => {
    const curve = exactCurve(rankByScore([1, 2, 2, 3], hand));
    expect(curve.map((p) => p.strongShare)).toEqual([0, 0.25, 0.75, 1]);
  });

  it('oracle curve follows RouteLLM get_optimal_accuracy (never worse than weak, capped by positive gains)', () => {
    const curve = oracleCurve(hand, [0, 0.25, 0.5, 1]);
    // gains: two prompts gain 1 each → quality .5, .75, 1, 1.
    expect(curve.map((p) => p.quality)).toEqual([0.5, 0.75, 1, 1]);
  });
});

describe('baselines on large synthetic data', () => {
  it('a random router scores APGR ≈ 0.5', () => {
    const n = 20000;
    const next = seededRandom(42);
    const q: PairQualities = {
      strong: Float64Array.from({ length: n }, () => (next() < 0.8 ? 1 : 0)),
      weak: Float64Array.from({ length: n }, () => (next() < 0.6 ? 1 : 0)),
    };
    const m = evaluateScores(randomScores(n, 7), q);
    expect(Math.abs(m.apgr - 0.5)).toBeLessThan(0.03);
    expect(Math.abs(m.auc - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(m.cpt50 - 0.5)).toBeLessThan(0.05);
  });

  it('random scores are reproducible by seed', () => {
    expect(randomScores(5, 3)).toEqual(randomScores(5, 3));
    expect(randomScores(5, 3)).not.toEqual(randomScores(5, 4));
  });
});
