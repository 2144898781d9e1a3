// Exploration near the threshold, as a pure function of the decision and one uniform draw: when
// a router has `explore: { rate, band }` and the score lies within `band` of the threshold, the
// tier is flipped with probability `rate`. The propensity is the probability the served tier had
// of being chosen (rate when flipped, 1 - rate when not, 1 outside the band), which is what an
// inverse-propensity estimate of another threshold's value needs (learning/explore/).

import type { ExploreConfig } from '../config/learning-loop.ts';
import type { Tier } from '../config/types.ts';

export interface Exploration {
  tier: Tier;
  explored: boolean;
  /** Null when exploration is off or no draw was given (dry runs). */
  propensity: number | null;
}

export function isExplorable(score: number, threshold: number, band: number): boolean {
  return Math.abs(score - threshold) <= band;
}

export function explore(tier: Tier, score: number, threshold: number, config: ExploreConfig | undefined, draw: number | undefined): Exploration {
  if (!config || draw === undefined) return { tier, explored: false, propensity: null };
  if (config.rate <= 0 || !isExplorable(score, threshold, config.band)) return { tier, explored: false, propensity: 1 };
  const explored = draw < config.rate;
  return {
    tier: explored ? (tier === 'strong' ? 'weak' : 'strong') : tier,
    explored,
    propensity: explored ? config.rate : 1 - config.rate,
  };
}
