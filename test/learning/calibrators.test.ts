// The pure calibrators on known distributions: share (with ties and forced requests), budget
// (projected spend against a brute-force sweep), and quality (retained quality, PGR, interval).

import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/eval/prng.ts';
import { calibrateBudget, type CostSample } from '../../src/learning/calibrate/budget.ts';
import { calibrateQuality, qualityAtThreshold } from '../../src/learning/calibrate/quality.ts';
import { calibrateShare } from '../../src/learning/calibrate/share.ts';

const uniform = (n: number, seed = 3): number[] => {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => random());
};

describe('calibrateShare', () => {
  it('finds the threshold sending the target share of uniform scores strong', () => {
    const scores = uniform(10_000);
    for (const target of [0.1, 0.3, 0.5, 0.9]) {
      const fit = calibrateShare({ scores, forcedStrong: 0, forcedWeak: 0 }, target);
      expect(fit.expectedShare).toBeCloseTo(target, 4);
      expect(scores.filter((s) => s >= fit.threshold).length / scores.length).toBeCloseTo(target, 4);
      expect(fit.threshold).toBeCloseTo(1 - target, 1);
    }
  });

  it('counts forced requests in the share', () => {
    const scores = uniform(800);
    // 100 forced strong of 1000: the threshold must send only 200 of the 800 scored ones strong.
    const fit = calibrateShare({ scores, forcedStrong: 100, forcedWeak: 100 }, 0.3);
    expect(scores.filter((s) => s >= fit.threshold).length).toBe(200);
    expect(fit.expectedShare).toBeCloseTo(0.3, 6);
    // More forced strong than the target: nothing scored goes strong.
    const over = calibrateShare({ scores, forcedStrong: 400, forcedWeak: 0 }, 0.3);
    expect(scores.filter((s) => s >= over.threshold).length).toBe(0);
  });

  it('moves tied scores together and picks the closest reachable share', () => {
    const scores = [...Array(50).fill(0.9), ...Array(50).fill(0.2)];
    const fit = calibrateShare({ scores, forcedStrong: 0, forcedWeak: 0 }, 0.3);
    // 30% is unreachable: 0% (gap 30) vs 50% (gap 20) -> 50%.
    expect(fit.expectedShare).toBe(0.5);
    expect(scores.filter((s) => s >= fit.threshold).length).toBe(50);
    const all = calibrateShare({ scores: [1, 1, 1, 0.5], forcedStrong: 0, forcedWeak: 0 }, 0);
    // Target 0: the three tied 1s cannot be excluded (no threshold above 1); they go strong together.
    expect([1, 1, 1, 0.5].filter((s) => s >= all.threshold)).toHaveLength(3);
  });

  it('refuses an empty window and a target outside [0, 1]', () => {
    expect(() => calibrateShare({ scores: [], forcedStrong: 3, forcedWeak: 0 }, 0.3)).toThrow(/no scored requests/);
    expect(() => calibrateShare({ scores: [0.5], forcedStrong: 0, forcedWeak: 0 }, 1.2)).toThrow(RangeError);
  });
});

describe('calibrateBudget', () => {
  const random = seededRandom(11);
  const samples: CostSample[] = Array.from({ length: 2000 }, (_, i) => ({
    score: i % 10 === 0 ? null : random(),
    forced: i % 10 === 0 ? 'strong' : null,
    strongCostUsd: 0.01 + random() * 0.02,
    weakCostUsd: 0.001,
  }));
  const projected = (threshold: number, scale: number): number =>
    samples.reduce((sum, s) => sum + (s.forced === 'strong' || (s.score !== null && s.score >= threshold) ? s.strongCostUsd : s.weakCostUsd), 0) * scale;

  it('picks the most strong calls whose projected spend fits, matching a brute-force sweep', () => {
    const windowMs = 86_400_000;
    const periodMs = 30 * windowMs;
    const allStrong = projected(0, 30);
    const budgetUsd = allStrong * 0.5;
    const fit = calibrateBudget({ samples, windowMs, periodMs, budgetUsd });
    expect(fit.fits).toBe(true);
    expect(fit.projectedCostUsd).toBeLessThanOrEqual(budgetUsd);
    expect(fit.projectedCostUsd).toBeCloseTo(projected(fit.threshold, 30), 9);
    expect(fit.allStrongCostUsd).toBeCloseTo(allStrong, 9);
    // Brute force: no scored-request threshold below the chosen one also fits.
    const scored = samples.filter((s) => s.score !== null).map((s) => s.score as number).filter((s) => s < fit.threshold);
    const next = Math.max(...scored);
    expect(projected(next, 30)).toBeGreaterThan(budgetUsd);
  });

  it('says when even all-weak does not fit', () => {
    const fit = calibrateBudget({ samples, windowMs: 1000, periodMs: 86_400_000, budgetUsd: 1 });
    expect(fit.fits).toBe(false);
    expect(fit.projectedCostUsd).toBeCloseTo(fit.allWeakCostUsd, 9);
  });
});

describe('calibrateQuality', () => {
  // A scorer that knows: prompts with score > 0.6 fail on the weak model (quality 0), others pass.
  const scores = uniform(2000, 5);
  const strong = scores.map(() => 1);
  const weak = scores.map((s) => (s > 0.6 ? 0 : 1));

  it('finds the smallest share reaching the retained-quality target, with PGR', () => {
    const fit = calibrateQuality({ scores, strong, weak }, 1, { resamples: 200 });
    const failing = weak.filter((w) => w === 0).length / weak.length;
    expect(fit.strongShare).toBeCloseTo(failing, 6); // exactly the failing prompts go strong
    expect(fit.retained).toBe(1);
    expect(fit.pgr).toBeCloseTo(1, 9);
    const ninety = calibrateQuality({ scores, strong, weak }, 0.9, { resamples: 200 });
    // Routed quality = 1 - (failing share not sent strong); 90% retained -> 10% may fail.
    expect(ninety.retained).toBeGreaterThanOrEqual(0.9);
    expect(ninety.strongShare).toBeCloseTo(failing - 0.1, 2);
    expect(ninety.interval.low).toBeLessThanOrEqual(ninety.retained);
    expect(ninety.interval.high).toBeGreaterThanOrEqual(ninety.retained);
  });

  it('with confidence, the interval lower bound reaches the target (so the share is higher)', () => {
    const plain = calibrateQuality({ scores, strong, weak }, 0.9, { resamples: 300 });
    const sure = calibrateQuality({ scores, strong, weak }, 0.9, { resamples: 300, confidence: true });
    expect(sure.interval.low).toBeGreaterThanOrEqual(0.9);
    expect(sure.strongShare).toBeGreaterThan(plain.strongShare);
  });

  it('quality at a given threshold agrees with a direct count', () => {
    const point = qualityAtThreshold({ scores, strong, weak }, 0.7, { resamples: 100 });
    const routed = scores.reduce((sum, s, i) => sum + (s >= 0.7 ? strong[i]! : weak[i]!), 0);
    expect(point.retained).toBeCloseTo(routed / strong.length, 9);
  });
});
