// The paired bootstrap the retrain gate reads, checked against the plain bootstrap and against
// itself: with scores already in ascending order a model's interval is exactly the plain
// bootstrap's on the same seed; swapping the two models negates dAPGR and its interval; the point
// values are the full-sample APGRs; every resample counts when the pair's means never tie; and the
// defaults are 1000 resamples, seed 1, level 0.95.

import { describe, expect, it } from 'vitest';
import { bootstrapIntervals } from '../../src/eval/bootstrap.ts';
import { rankByScore } from '../../src/eval/curve.ts';
import { pairedApgr } from '../../src/eval/paired-bootstrap.ts';
import { curveMetrics } from '../../src/eval/summary.ts';

const n = 40;
// Strong always 1, weak 0 on every third prompt: the means never tie, so every resample counts.
const qualities = { strong: Float64Array.from({ length: n }, () => 1), weak: Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : 1)) };
/** Ascending scores that rank most strong-needed prompts (i % 3 === 0) high. */
const sortedScores = Array.from({ length: n }, (_, i) => i / n);
const good = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0.6 : 0.1) + ((i * 7) % 11) / 100);
const poor = Array.from({ length: n }, (_, i) => ((i * 13) % 17) / 17);
const apgrOf = (scores: number[]) => curveMetrics(rankByScore(scores, qualities)).apgr;

describe('pairedApgr', () => {
  it('refuses score lists of another length', () => {
    expect(() => pairedApgr(good.slice(1), poor, qualities)).toThrow('paired scores need 40 values each, got 39 and 40');
    expect(() => pairedApgr(good, poor.slice(2), qualities)).toThrow('paired scores need 40 values each, got 40 and 38');
  });

  it('gives the full-sample APGRs as points and their difference as dAPGR', () => {
    const result = pairedApgr(good, poor, qualities, { resamples: 100, seed: 4 });
    expect(result.records).toBe(n);
    expect(result.a.value).toBe(apgrOf(good));
    expect(result.b.value).toBe(apgrOf(poor));
    expect(result.delta.value).toBe(apgrOf(good) - apgrOf(poor));
    expect(result.delta.value).toBeGreaterThan(0.1);
    expect(result.used).toBe(100);
  });

  it('gives the plain bootstrap interval for a model whose scores are already in order', () => {
    const plain = bootstrapIntervals(rankByScore(sortedScores, qualities), { resamples: 300, seed: 9, level: 0.9 });
    const paired = pairedApgr(sortedScores, poor, qualities, { resamples: 300, seed: 9, level: 0.9 });
    expect(paired.a).toEqual({ value: apgrOf(sortedScores), low: plain.apgr.low, high: plain.apgr.high });
    expect(paired.used).toBe(plain.used);
    expect(paired.a.low).toBeLessThan(paired.a.high);
  });

  it('negates dAPGR and swaps the models when they are given the other way round', () => {
    const forward = pairedApgr(good, poor, qualities, { resamples: 300, seed: 2 });
    const backward = pairedApgr(poor, good, qualities, { resamples: 300, seed: 2 });
    expect(backward.a).toEqual(forward.b);
    expect(backward.b).toEqual(forward.a);
    expect(backward.delta.value).toBeCloseTo(-forward.delta.value, 12);
    expect(backward.delta.low).toBeCloseTo(-forward.delta.high, 12);
    expect(backward.delta.high).toBeCloseTo(-forward.delta.low, 12);
    // Paired: the difference's interval lies inside the gap between the models' own intervals.
    expect(forward.delta.low).toBeGreaterThan(forward.a.low - forward.b.high);
    expect(forward.delta.high).toBeLessThan(forward.a.high - forward.b.low);
    expect(forward.delta.low).toBeLessThan(forward.delta.high);
  });

  it('uses 1000 resamples, seed 1 and level 0.95 by default', () => {
    const byDefault = pairedApgr(good, poor, qualities);
    expect(byDefault).toEqual(pairedApgr(good, poor, qualities, { resamples: 1000, seed: 1, level: 0.95 }));
    expect(byDefault.used).toBe(1000);
    expect(byDefault).not.toEqual(pairedApgr(good, poor, qualities, { resamples: 1000, seed: 2, level: 0.95 }));
    expect(byDefault.delta).not.toEqual(pairedApgr(good, poor, qualities, { resamples: 1000, seed: 1, level: 0.9 }).delta);
  });

  it('narrows the interval as the level falls, to the median at level 0', () => {
    const wide = pairedApgr(good, poor, qualities, { resamples: 200, seed: 5, level: 0.99 });
    const narrow = pairedApgr(good, poor, qualities, { resamples: 200, seed: 5, level: 0.5 });
    const median = pairedApgr(good, poor, qualities, { resamples: 200, seed: 5, level: 0 });
    expect(wide.delta.low).toBeLessThan(narrow.delta.low);
    expect(wide.delta.high).toBeGreaterThan(narrow.delta.high);
    expect(median.delta.low).toBe(median.delta.high);
    expect(median.delta.low).toBeGreaterThan(narrow.delta.low);
    expect(median.delta.low).toBeLessThan(narrow.delta.high);
  });
});
