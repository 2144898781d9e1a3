// Reference routers: random (seeded uniform scores; APGR ≈ 0.5) and the hindsight oracle.
//
// The oracle curve follows RouteLLM's get_optimal_accuracy: with a budget of x·n strong calls it
// sends the strong model to the prompts where it gains most over the weak one, and never where it
// gains nothing, so quality can exceed the strong model's (APGR > 1 when the weak model is
// sometimes right and the strong one wrong). It is evaluated at the same 0%, 10%, ..., 100%
// budgets as RouteLLM's plot; a fractional budget takes that fraction of the next prompt's gain.

import { seededRandom } from './prng.ts';
import type { CurvePoint, PairQualities } from './types.ts';

export function randomScores(count: number, seed = 0): Float64Array {
  const next = seededRandom(seed);
  return Float64Array.from({ length: count }, () => next());
}

/** Hindsight scores: the strong model's gain over the weak one on each prompt. */
export function oracleScores(qualities: PairQualities): Float64Array {
  return qualities.strong.map((s, i) => s - (qualities.weak[i] as number));
}

export function evenShares(bins = 10): number[] {
  return Array.from({ length: bins + 1 }, (_, k) => k / bins);
}

/** Best possible quality at each strong-call budget (share of prompts). */
export function oracleCurve(qualities: PairQualities, shares: readonly number[] = evenShares()): CurvePoint[] {
  const n = qualities.strong.length;
  const gains = Array.from(oracleScores(qualities)).filter((g) => g > 0).sort((a, b) => b - a);
  const prefix = [0];
  for (const g of gains) prefix.push((prefix[prefix.length - 1] as number) + g);
  let weakTotal = 0;
  for (const w of qualities.weak) weakTotal += w;
  return shares.map((share) => {
    const budget = Math.min(share * n, gains.length);
    const whole = Math.floor(budget);
    const gained = (prefix[whole] as number) + (budget - whole) * (gains[whole] ?? 0);
    return { strongShare: share, quality: (weakTotal + gained) / n };
  });
}
