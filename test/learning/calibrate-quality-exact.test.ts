// The quality calibrator's contract, figure by figure: the curve on a small labelled set worked out
// by hand (share, retained quality, PGR at each operating point), the first point reaching the
// target, the bootstrap interval against the known spread of a mean, its level, seed and defaults,
// and the errors for labels it cannot use.

import { describe, expect, it } from 'vitest';
import { calibrateQuality, qualityAtThreshold } from '../../src/learning/calibrate/quality.ts';

// Ranked by score: (strong 1, weak 0), (1, 1), (1, 0.5), (0.5, 0.5). Strong sum 3.5, weak sum 2.
const small = { scores: [0.3, 0.9, 0.6, 0.3], strong: [1, 1, 1, 0.5], weak: [0.5, 0, 1, 0.5] };

describe('calibrateQuality curve by hand', () => {
  const fit = calibrateQuality(small, 0.85, { resamples: 50 });

  it('lists every operating point, lowest strong share first, with retained quality and PGR', () => {
    const curve = fit.curve.map(({ threshold, strongShare, retained, pgr }) => ({ threshold, strongShare, retained, pgr }));
    expect(curve).toEqual([
      { threshold: (0.9 + 1) / 2, strongShare: 0, retained: 2 / 3.5, pgr: 0 },
      { threshold: (0.9 + 0.6) / 2, strongShare: 0.25, retained: 3 / 3.5, pgr: (0.75 - 0.5) / (0.875 - 0.5) },
      { threshold: (0.6 + 0.3) / 2, strongShare: 0.5, retained: 3 / 3.5, pgr: (0.75 - 0.5) / (0.875 - 0.5) },
      { threshold: 0.3, strongShare: 1, retained: 1, pgr: 1 },
    ]);
  });

  it('reports the means, the sample count and the target', () => {
    expect(fit).toMatchObject({ target: 0.85, samples: 4, strongMean: 3.5 / 4, weakMean: 2 / 4 });
  });

  it.each([
    // target -> chosen strong share: the smallest share whose retained quality reaches it
    [0.5, 0],
    [2 / 3.5, 0], // exactly reached counts
    [0.85, 0.25], // 3/3.5 = 0.857 at 25%: the cheaper of the two points with that quality
    [0.9, 1],
    [1, 1],
  ])('target %s -> strong share %s', (target, share) => {
    const chosen = calibrateQuality(small, target, { resamples: 50 });
    expect(chosen.strongShare).toBe(share);
    const point = chosen.curve.find((p) => p.strongShare === share)!;
    expect({ threshold: chosen.threshold, retained: chosen.retained, pgr: chosen.pgr, interval: chosen.interval }).toEqual({
      threshold: point.threshold,
      retained: point.retained,
      pgr: point.pgr,
      interval: point.interval,
    });
  });

  it('with confidence and no bootstrap evidence at all, sends everything strong', () => {
    const chosen = calibrateQuality(small, 0.5, { resamples: 0, confidence: true });
    expect(chosen.strongShare).toBe(1);
    expect(chosen.interval.low).toBeNaN();
  });
});

describe('calibrateQuality bootstrap', () => {
  // At the all-weak point with the strong model always right, retained quality is the weak
  // model's mean: its bootstrap spread is that of a mean, sqrt(p(1 - p) / n).
  const n = 400;
  const labels = {
    scores: Array.from({ length: n }, (_, i) => (i % 97) / 100),
    strong: Array.from({ length: n }, () => 1),
    weak: Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0)),
  };
  const sd = Math.sqrt((0.5 * 0.5) / n);

  it('gives a 95% interval as wide as the normal interval of a mean, centred on it', () => {
    const point = calibrateQuality(labels, 1, { resamples: 1000 }).curve[0]!;
    expect(point.retained).toBe(0.5);
    const width = point.interval.high - point.interval.low;
    expect(width / (2 * 1.96 * sd)).toBeGreaterThan(0.85);
    expect(width / (2 * 1.96 * sd)).toBeLessThan(1.15);
    expect(Math.abs((point.interval.high + point.interval.low) / 2 - 0.5)).toBeLessThan(0.3 * sd);
  });

  it('honours the level: a 50% interval is about 0.674 / 1.96 as wide', () => {
    const point = calibrateQuality(labels, 1, { resamples: 1000, level: 0.5 }).curve[0]!;
    const width = point.interval.high - point.interval.low;
    expect(width / (2 * 0.674 * sd)).toBeGreaterThan(0.8);
    expect(width / (2 * 0.674 * sd)).toBeLessThan(1.2);
  });

  it('brackets the retained quality at every point, and is exact where it cannot vary', () => {
    const fit = calibrateQuality(labels, 1, { resamples: 300 });
    for (const point of fit.curve) {
      expect(point.interval.low).toBeLessThanOrEqual(point.retained + 1e-12);
      expect(point.interval.high).toBeGreaterThanOrEqual(point.retained - 1e-12);
    }
    // All strong: every resample retains exactly 1.
    expect(fit.curve.at(-1)!.interval).toEqual({ low: 1, high: 1 });
  });

  it('is reproducible: defaults are 1000 resamples, seed 1, level 95%; another seed differs', () => {
    const byDefault = calibrateQuality(small, 0.85);
    expect(byDefault.curve).toEqual(calibrateQuality(small, 0.85, { resamples: 1000, seed: 1, level: 0.95 }).curve);
    const other = calibrateQuality(labels, 0.9, { seed: 2, resamples: 200 });
    expect(other.curve[0]!.interval).not.toEqual(calibrateQuality(labels, 0.9, { seed: 1, resamples: 200 }).curve[0]!.interval);
  });

  it('resamples as many prompts as there are: with two, retained quality can only be 0, 1/2 or 1', () => {
    // All weak, the weak model right on one prompt of two: a resample holds it 0, 1 or 2 times
    // (probability 1/4, 1/2, 1/4), so the central 20% of resamples is exactly 1/2.
    const fit = calibrateQuality({ scores: [0.6, 0.4], strong: [1, 1], weak: [0, 1] }, 1, { resamples: 1000, level: 0.2 });
    expect(fit.curve[0]!.interval).toEqual({ low: 0.5, high: 0.5 });
    // The 90% interval reaches both ends.
    const wide = calibrateQuality({ scores: [0.6, 0.4], strong: [1, 1], weak: [0, 1] }, 1, { resamples: 1000, level: 0.9 });
    expect(wide.curve[0]!.interval).toEqual({ low: 0, high: 1 });
  });

  it('skips resamples where the strong model scores 0 (retained quality undefined there)', () => {
    // Only the first prompt has strong quality; a resample without it has nothing to divide by.
    const fit = calibrateQuality({ scores: [0.9, 0.5, 0.1], strong: [1, 0, 0], weak: [1, 0, 0] }, 1, { resamples: 200 });
    for (const point of fit.curve) expect(point.interval).toEqual({ low: 1, high: 1 });
  });
});

describe('qualityAtThreshold', () => {
  it('is the curve point sending the same prompts strong, at the given threshold', () => {
    const options = { resamples: 60, seed: 4 };
    const curve = calibrateQuality(small, 1, options).curve;
    expect(qualityAtThreshold(small, 0.7, options)).toEqual({ ...curve[1]!, threshold: 0.7 });
    expect(qualityAtThreshold(small, 0.3, options)).toEqual({ ...curve[3]!, threshold: 0.3 });
    expect(qualityAtThreshold(small, 0.95, options)).toEqual({ ...curve[0]!, threshold: 0.95 });
  });

  it('refuses a threshold that no operating point reproduces', () => {
    // A score of 1 is always strong: no point sends nothing strong.
    expect(() => qualityAtThreshold({ scores: [1, 0.5], strong: [1, 1], weak: [0, 0] }, 1.5, { resamples: 10 })).toThrow(
      new Error('no operating point sends 0 prompts strong'),
    );
  });
});

describe('calibrateQuality refuses labels it cannot use', () => {
  it.each([
    ['no prompts', { scores: [], strong: [], weak: [] }, 0.9, 'no labelled prompts'],
    ['a strong column of another length', { scores: [0.5, 0.6], strong: [1], weak: [0, 0] }, 0.9, 'scores, strong and weak labels must have the same length'],
    ['a weak column of another length', { scores: [0.5, 0.6], strong: [1, 1], weak: [0] }, 0.9, 'scores, strong and weak labels must have the same length'],
    ['a strong model that scores 0 everywhere', { scores: [0.5, 0.6], strong: [0, 0], weak: [0, 0] }, 0.9, 'the strong model scores 0 on every labelled prompt: quality retained is undefined'],
  ])('%s', (_name, labels, target, message) => {
    expect(() => calibrateQuality(labels, target, { resamples: 5 })).toThrow(new Error(message));
  });

  it.each([0, -0.5, 1.01, Number.NaN])('refuses the target %s with a RangeError naming it', (target) => {
    expect(() => calibrateQuality(small, target, { resamples: 5 })).toThrow(new RangeError(`quality target must be in (0, 1], got ${target}`));
  });
});
