// The share and budget calibrators on small windows worked out by hand: every figure they return
// (threshold, expected share, projected, all-strong and all-weak spend, fits, samples), the
// boundaries of their inputs, forced requests, and the tie rules (closest share, then cheaper).

import { describe, expect, it } from 'vitest';
import { calibrateBudget, type CostSample } from '../../src/learning/calibrate/budget.ts';
import { calibrateShare } from '../../src/learning/calibrate/share.ts';

describe('calibrateShare by hand', () => {
  const scores = [0.9, 0.7, 0.5, 0.3];

  it.each([
    // target -> threshold, expected share (of 4 scored requests, none forced)
    [0, (0.9 + 1) / 2, 0],
    [0.25, (0.9 + 0.7) / 2, 0.25],
    [0.5, (0.7 + 0.5) / 2, 0.5],
    [1, 0.3, 1],
  ])('target %s', (target, threshold, expectedShare) => {
    expect(calibrateShare({ scores, forcedStrong: 0, forcedWeak: 0 }, target)).toEqual({ threshold, expectedShare, target, samples: 4 });
  });

  it('counts forced requests in the share and in the samples', () => {
    // 2 forced strong + 2 forced weak + 4 scored = 8; 50% = 4 strong, so 2 of the scored ones.
    expect(calibrateShare({ scores, forcedStrong: 2, forcedWeak: 2 }, 0.5)).toEqual({ threshold: (0.7 + 0.5) / 2, expectedShare: 0.5, target: 0.5, samples: 8 });
  });

  it('on an even gap takes the cheaper point (fewer strong)', () => {
    // Points send 0, 2 or 4 strong; 25% of 4 wants 1: 0 and 2 are both 1 away -> 0.
    const fit = calibrateShare({ scores: [0.8, 0.8, 0.2, 0.2], forcedStrong: 0, forcedWeak: 0 }, 0.25);
    expect(fit.threshold).toBe((0.8 + 1) / 2);
    expect(fit.expectedShare).toBe(0);
    // 75% wants 3: 2 and 4 are both 1 away -> 2.
    expect(calibrateShare({ scores: [0.8, 0.8, 0.2, 0.2], forcedStrong: 0, forcedWeak: 0 }, 0.75).expectedShare).toBe(0.5);
  });

  it.each([-0.01, 1.01, Number.NaN])('refuses the target %s with a RangeError naming it', (target) => {
    expect(() => calibrateShare({ scores, forcedStrong: 0, forcedWeak: 0 }, target)).toThrow(new RangeError(`strong share target must be in [0, 1], got ${target}`));
  });

  it('refuses a window with no scored requests, with a message saying so', () => {
    expect(() => calibrateShare({ scores: [], forcedStrong: 5, forcedWeak: 5 }, 0.5)).toThrow(new Error('no scored requests in the window: nothing a threshold can move'));
  });
});

describe('calibrateBudget by hand', () => {
  // Costs in powers of two, so that every sum is exact.
  const samples: CostSample[] = [
    { score: 0.9, forced: null, strongCostUsd: 4, weakCostUsd: 1 },
    { score: 0.6, forced: null, strongCostUsd: 2, weakCostUsd: 1 },
    { score: 0.3, forced: null, strongCostUsd: 8, weakCostUsd: 0.5 },
    // Forced strong (a mode rule): always its strong cost.
    { score: null, forced: 'strong', strongCostUsd: 2, weakCostUsd: 0.25 },
    // Forced weak although it has a score: the threshold did not decide it; always its weak cost.
    { score: 0.7, forced: 'weak', strongCostUsd: 16, weakCostUsd: 0.5 },
    // No score and no forced tier: counted as strong, the safe side for a budget.
    { score: null, forced: null, strongCostUsd: 1, weakCostUsd: 0.125 },
  ];
  // Forced spend 2 + 0.5 + 1 = 3.5; the three scored ones all weak 2.5; per window:
  // none strong 6, the top one 9, the top two 10, all three 17.5. The period is twice the window.
  const input = { samples, windowMs: 1000, periodMs: 2000 };

  it.each([
    // budget -> threshold, strong share (forced strong included, of 6), projected, fits
    ['everything fits: all scored strong', 100, 0.3, 5 / 6, 35, true],
    ['exactly the spend of the top two: they go strong', 20, (0.6 + 0.3) / 2, 4 / 6, 20, true],
    ['just under it: only the top one', 19.99, (0.9 + 0.6) / 2, 3 / 6, 18, true],
    ['exactly all-weak: nothing scored strong', 12, (0.9 + 1) / 2, 2 / 6, 12, true],
    ['under all-weak: does not fit, nothing scored strong', 11, (0.9 + 1) / 2, 2 / 6, 12, false],
  ])('%s', (_name, budgetUsd, threshold, expectedShare, projectedCostUsd, fits) => {
    expect(calibrateBudget({ ...input, budgetUsd })).toEqual({
      threshold,
      expectedShare,
      projectedCostUsd,
      allStrongCostUsd: 35,
      allWeakCostUsd: 12,
      fits,
      samples: 6,
    });
  });

  it('takes the most strong calls that fit even when spend is not monotone in the share', () => {
    // The top request is cheaper on the strong model: sending it strong saves money.
    const odd: CostSample[] = [
      { score: 0.9, forced: null, strongCostUsd: 1, weakCostUsd: 4 },
      { score: 0.5, forced: null, strongCostUsd: 10, weakCostUsd: 1 },
    ];
    // none strong 5, the top one 2, both 11.
    const fit = calibrateBudget({ samples: odd, windowMs: 1, periodMs: 1, budgetUsd: 3 });
    expect(fit).toMatchObject({ threshold: (0.9 + 0.5) / 2, projectedCostUsd: 2, fits: true, allWeakCostUsd: 5, allStrongCostUsd: 11 });
  });

  it('sends a score of 1 strong whatever the budget (no threshold is above it)', () => {
    const top: CostSample[] = [
      { score: 1, forced: null, strongCostUsd: 4, weakCostUsd: 1 },
      { score: 0.5, forced: null, strongCostUsd: 4, weakCostUsd: 1 },
    ];
    const fit = calibrateBudget({ samples: top, windowMs: 1, periodMs: 1, budgetUsd: 0 });
    expect(fit).toMatchObject({ threshold: (1 + 0.5) / 2, expectedShare: 0.5, projectedCostUsd: 5, fits: false, allWeakCostUsd: 2 });
  });

  it('refuses an empty window and durations that are not positive', () => {
    expect(() => calibrateBudget({ samples: [], windowMs: 1, periodMs: 1, budgetUsd: 1 })).toThrow(new Error('no logged requests in the window'));
    for (const [windowMs, periodMs] of [[0, 1], [1, 0], [-1, 1], [Number.NaN, 1], [1, Number.NaN]] as const) {
      expect(() => calibrateBudget({ samples, windowMs, periodMs, budgetUsd: 1 })).toThrow(new RangeError('window and period must be positive durations'));
    }
  });
});
