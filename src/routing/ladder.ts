// A router's model ladder: its rungs (strongest first), the cut points in force, the rung a score
// lands on, and the fallback order along the ladder. `strong`/`weak` + `threshold` is the two-rung
// ladder, so every router is read through these functions.
//
// Thresholds that move (calibration, share controller, budget pacer, RouteLLM names) move the top
// cut; the lower cuts keep their distance below it (clamped to [0, 1]). A share target therefore
// holds the share of traffic on the top rung, and the lower rungs keep their spacing.

import type { RouterConfig } from '../config/types.ts';

export interface LadderRung {
  model: string;
  /** Lowest score this rung takes with the threshold in force (-Infinity on the bottom rung). */
  cut: number;
}

/** The configured ladder: `ladder`, or strong at the threshold over weak. */
function configuredRungs(router: RouterConfig): Array<{ model: string; minScore?: number | undefined }> {
  return router.ladder ?? [{ model: router.strong, minScore: router.threshold }, { model: router.weak }];
}

/** The models of the ladder, strongest first. */
export function ladderModels(router: RouterConfig): string[] {
  return configuredRungs(router).map((rung) => rung.model);
}

/** The rungs with their cuts when the top cut is `threshold`. */
export function ladderRungs(router: RouterConfig, threshold: number): LadderRung[] {
  const rungs = configuredRungs(router);
  const top = rungs[0]?.minScore ?? threshold;
  const shift = threshold - top;
  return rungs.map((rung, index) => {
    if (rung.minScore === undefined) return { model: rung.model, cut: Number.NEGATIVE_INFINITY };
    const cut = index === 0 ? threshold : Math.min(1, Math.max(0, rung.minScore + shift));
    return { model: rung.model, cut };
  });
}

/** The index of the first rung (strongest first) whose cut the score reaches. */
export function rungForScore(rungs: readonly LadderRung[], score: number): number {
  const index = rungs.findIndex((rung) => score >= rung.cut);
  return index < 0 ? rungs.length - 1 : index;
}

/** The rung index serving `alias`, or null when the model is not on the ladder. */
export function rungOf(router: RouterConfig, alias: string): number | null {
  const index = ladderModels(router).indexOf(alias);
  return index < 0 ? null : index;
}

/**
 * Fallback order from rung `from`: the next stronger rung first, then the next weaker one, and so
 * on outwards (a failing model is replaced by its nearest neighbour, preferring quality). For two
 * rungs this is "the other model".
 */
export function ladderFallbacks(models: readonly string[], from: number): string[] {
  const out: string[] = [];
  for (let distance = 1; distance < models.length; distance++) {
    const up = models[from - distance];
    const down = models[from + distance];
    if (up !== undefined) out.push(up);
    if (down !== undefined) out.push(down);
  }
  return out;
}
