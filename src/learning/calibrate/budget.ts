// Budget calibrator: given what each logged request would cost on the strong and on the weak
// model (from its token counts and the configured prices) and the window's length, the lowest
// threshold (most strong calls) whose spend, projected over a period at the same request rate,
// fits the budget.

import { operatingPoints, orderHighestFirst } from './ranked.ts';

export interface CostSample {
  /** Null for requests the threshold did not decide (their tier is `forced`). */
  score: number | null;
  forced: 'strong' | 'weak' | null;
  strongCostUsd: number;
  weakCostUsd: number;
}

export interface BudgetInput {
  samples: readonly CostSample[];
  /** Length of the window the samples cover, and of the budget's period, in ms. */
  windowMs: number;
  periodMs: number;
  budgetUsd: number;
}

export interface BudgetCalibration {
  threshold: number;
  expectedShare: number;
  /** Projected spend per period at the threshold, all-strong and all-weak (forced requests as forced). */
  projectedCostUsd: number;
  allStrongCostUsd: number;
  allWeakCostUsd: number;
  /** False when even sending every decidable request weak does not fit (threshold is then 1). */
  fits: boolean;
  samples: number;
}

export function calibrateBudget(input: BudgetInput): BudgetCalibration {
  const { samples, windowMs, periodMs, budgetUsd } = input;
  if (samples.length === 0) throw new Error('no logged requests in the window');
  if (!(windowMs > 0) || !(periodMs > 0)) throw new RangeError('window and period must be positive durations');
  const scale = periodMs / windowMs;
  const decided = samples.filter((s) => s.score !== null && s.forced === null);
  let forcedCost = 0;
  let forcedStrong = 0;
  for (const s of samples) {
    if (s.score !== null && s.forced === null) continue;
    const tier = s.forced ?? 'strong';
    forcedCost += tier === 'strong' ? s.strongCostUsd : s.weakCostUsd;
    if (tier === 'strong') forcedStrong++;
  }
  const order = orderHighestFirst(decided.map((s) => s.score as number));
  const ranked = order.map((i) => decided[i] as CostSample);
  // cost(k) = forced + strong cost of the top k + weak cost of the rest.
  const allWeak = ranked.reduce((sum, s) => sum + s.weakCostUsd, 0);
  const prefixDelta = [0];
  for (const s of ranked) prefixDelta.push((prefixDelta[prefixDelta.length - 1] as number) + s.strongCostUsd - s.weakCostUsd);
  const costAt = (k: number): number => (forcedCost + allWeak + (prefixDelta[k] as number)) * scale;
  const points = operatingPoints(ranked.map((s) => s.score as number));
  let chosen = points[0]!;
  let fits = costAt(chosen.strongCount) <= budgetUsd;
  for (const point of points) {
    if (costAt(point.strongCount) <= budgetUsd) {
      chosen = point;
      fits = true;
    }
  }
  const allStrongCostUsd = samples.reduce((sum, s) => sum + (s.forced === 'weak' ? s.weakCostUsd : s.strongCostUsd), 0) * scale;
  return {
    threshold: chosen.threshold,
    expectedShare: (chosen.strongCount + forcedStrong) / samples.length,
    projectedCostUsd: costAt(chosen.strongCount),
    allStrongCostUsd,
    allWeakCostUsd: costAt(0),
    fits,
    samples: samples.length,
  };
}
