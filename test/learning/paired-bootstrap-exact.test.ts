// The paired bootstrap the retrain gate reads, checked against the plain bootstrap and against
// itself: with scores already in ascending order a model's interval is exactly the plain
// bootstrap's on the same seed; swapping the two models negates dAPGR and its interval; the point
// values are the full-sample APGRs; every resample counts when the pair's means never tie; and the
// defaults are 1000 resamples, seed 1, level 0.95.

import { describe, expect, it } from 'vitest';
import { bootstrapIntervals, sortedQuantile } from '../../src/eval/bootstrap.ts';
import { rankByScore } from '../../src/eval/curve.ts';
import { pairedApgr } from '../../src/eval/paired-bootstrap.ts';
import { seededRandom } from '../../src/eval/prng.ts';
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

  it('weighs both models with the same draw of prompts, by prompt index, skipping draws whose means tie', () => {
    // The scheme written out with the eval building blocks: each resample draws m prompt indices
    // with floor(u * m) from the seeded stream; a prompt's count is its weight at its ranked place
    // under each model; a resample whose strong and weak means tie (APGR undefined) is left out.
    const m = 12;
    const q = { strong: Float64Array.from({ length: m }, (_, i) => (i % 4 === 0 ? 0 : 1)), weak: Float64Array.from({ length: m }, (_, i) => (i % 3 === 0 ? 0 : 1)) };
    const a = [0.31, 0.9, 0.05, 0.77, 0.42, 0.6, 0.13, 0.88, 0.5, 0.21, 0.69, 0.35];
    const b = [0.8, 0.1, 0.55, 0.3, 0.95, 0.45, 0.7, 0.2, 0.65, 0.05, 0.4, 0.85];
    const orderOf = (scores: number[]) => Array.from({ length: m }, (_, i) => i).sort((x, y) => scores[x]! - scores[y]!);
    const random = seededRandom(21);
    const as: number[] = [];
    const bs: number[] = [];
    const ds: number[] = [];
    for (let r = 0; r < 60; r++) {
      const counts = new Array<number>(m).fill(0);
      for (let k = 0; k < m; k++) counts[Math.floor(random() * m)]! += 1;
      const x = curveMetrics(rankByScore(a, q), { weights: orderOf(a).map((i) => counts[i]!) }).apgr;
      const y = curveMetrics(rankByScore(b, q), { weights: orderOf(b).map((i) => counts[i]!) }).apgr;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      as.push(x);
      bs.push(y);
      ds.push(x - y);
    }
    const ends = (values: number[]) => {
      const sorted = [...values].sort((u, v) => u - v);
      return { low: sortedQuantile(sorted, 0.1), high: sortedQuantile(sorted, 0.9) };
    };
    const result = pairedApgr(a, b, q, { resamples: 60, seed: 21, level: 0.8 });
    expect(ds.length).toBeLessThan(60);
    expect(ds.length).toBeGreaterThan(30);
    expect(result.used).toBe(ds.length);
    for (const [got, scores, values] of [[result.a, a, as], [result.b, b, bs]] as const) {
      expect(got.value).toBe(apgrOf2(scores, q));
      expect(got.low).toBeCloseTo(ends(values).low, 12);
      expect(got.high).toBeCloseTo(ends(values).high, 12);
      expect(got.low).toBeLessThan(got.high);
    }
    expect(result.delta.low).toBeCloseTo(ends(ds).low, 12);
    expect(result.delta.high).toBeCloseTo(ends(ds).high, 12);
  });
});

function apgrOf2(scores: number[], q: { strong: Float64Array; weak: Float64Array }): number {
  return curveMetrics(rankByScore(scores, q)).apgr;
}
