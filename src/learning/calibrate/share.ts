// Share calibrator: the threshold that sends a fraction of a window of traffic to the strong
// model. Requests whose tier was forced (mode rules, task-type rules, scorer fallbacks) count in
// the share but cannot be moved by the threshold; tied scores move together.

import { operatingPoints, orderHighestFirst } from './ranked.ts';

export interface ShareWindow {
  /** Scores of requests the threshold decided. */
  scores: readonly number[];
  /** Requests sent strong or weak regardless of the threshold. */
  forcedStrong: number;
  forcedWeak: number;
}

export interface ShareCalibration {
  threshold: number;
  /** Share of the whole window (forced requests included) sent strong at this threshold. */
  expectedShare: number;
  /** The closest share the window allowed may differ from the target (ties, forced requests). */
  target: number;
  samples: number;
}

export function calibrateShare(window: ShareWindow, target: number): ShareCalibration {
  if (!(target >= 0 && target <= 1)) throw new RangeError(`strong share target must be in [0, 1], got ${target}`);
  const total = window.scores.length + window.forcedStrong + window.forcedWeak;
  if (window.scores.length === 0) throw new Error('no scored requests in the window: nothing a threshold can move');
  const sorted = orderHighestFirst(window.scores).map((i) => window.scores[i] as number);
  const wanted = target * total - window.forcedStrong;
  let best = operatingPoints(sorted)[0]!;
  for (const point of operatingPoints(sorted)) {
    const gap = Math.abs(point.strongCount - wanted);
    const bestGap = Math.abs(best.strongCount - wanted);
    // Closest to the target; on a tie the cheaper (fewer strong) point.
    if (gap < bestGap - 1e-12) best = point;
  }
  return { threshold: best.threshold, expectedShare: (best.strongCount + window.forcedStrong) / total, target, samples: total };
}
