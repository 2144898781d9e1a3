// Shared by the calibrators: scores ranked highest first, and the operating points a threshold
// can produce (one per tie-group boundary, so tied scores always go the same way).

export interface OperatingPoint {
  /** Scored items sent strong at this point (the top `strongCount` by score). */
  strongCount: number;
  /** A threshold producing it: midway between the last strong score and the next lower one. */
  threshold: number;
}

/** Indices of `scores` ordered by score, highest first (ties keep input order). */
export function orderHighestFirst(scores: readonly number[]): number[] {
  for (const [i, s] of scores.entries()) {
    if (!Number.isFinite(s) || s < 0 || s > 1) throw new RangeError(`score #${i} is ${s}, outside [0, 1]`);
  }
  return scores.map((_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
}

/**
 * Every operating point, from none strong to all strong. With sorted = scores highest first, the
 * point after a tie group ending at index k sends k + 1 items strong.
 */
export function operatingPoints(sortedHighestFirst: readonly number[]): OperatingPoint[] {
  const n = sortedHighestFirst.length;
  const top = sortedHighestFirst[0];
  const points: OperatingPoint[] = [];
  // Nothing strong needs a threshold above every score: impossible when the top score is 1.
  if (top === undefined || top < 1) points.push({ strongCount: 0, threshold: top === undefined ? 1 : (top + 1) / 2 });
  for (let k = 0; k < n; k++) {
    const here = sortedHighestFirst[k] as number;
    const next = sortedHighestFirst[k + 1];
    if (next === here) continue;
    points.push({ strongCount: k + 1, threshold: next === undefined ? here : (here + next) / 2 });
  }
  return points;
}
