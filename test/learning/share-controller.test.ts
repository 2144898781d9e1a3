// The live share controller on a synthetic stream whose score distribution drifts: once warmed
// up, the rolling-window share stays within ±3 points of the target, and after an abrupt shift in
// the traffic mix it is back within tolerance in at most 2 windows (1000 requests at window 500).

import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/eval/prng.ts';
import { ShareController } from '../../src/learning/live/share-controller.ts';

const TARGET = 0.3;
const WINDOW = 500;

/** Drives the controller like the gateway does: read the threshold, score, decide, observe. */
function drive(controller: ShareController, scores: Iterable<{ score: number | null; forcedStrong?: boolean }>): number[] {
  const windowShares: number[] = [];
  for (const item of scores) {
    const strong = item.score === null ? item.forcedStrong === true : item.score >= controller.threshold();
    controller.observe(item.score, strong);
    windowShares.push(controller.liveShare());
  }
  return windowShares;
}

function* stream(n: number, seed: number, scoreOf: (u: number, random: () => number) => number | null, forcedStrongShare = 0) {
  const random = seededRandom(seed);
  for (let i = 0; i < n; i++) {
    if (random() < forcedStrongShare) yield { score: null, forcedStrong: true };
    else yield { score: scoreOf(random(), random) };
  }
}

describe('ShareController', () => {
  it('holds the share within ±3 points on stationary traffic once warmed up', () => {
    const controller = new ShareController({ target: TARGET, prior: 0.5, window: WINDOW });
    const shares = drive(controller, stream(5000, 1, (u) => u * u)); // skewed low: threshold 0.5 would give ~29%
    for (const share of shares.slice(WINDOW)) expect(Math.abs(share - TARGET)).toBeLessThanOrEqual(0.03);
  });

  it('re-converges within 2 windows after the traffic mix shifts, and stays there', () => {
    const controller = new ShareController({ target: TARGET, prior: 0.7, window: WINDOW });
    const phases = [
      ...stream(3000, 2, (u) => u), // uniform
      ...stream(3000, 3, (u) => Math.sqrt(u)), // harder traffic: scores shift up
      ...stream(3000, 4, (u) => u * 0.4, 0.1), // easy traffic plus 10% forced strong by mode rules
    ];
    const before = new ShareController({ target: TARGET, prior: 0.7, window: WINDOW });
    drive(before, phases.slice(0, 3000));
    const shares = drive(controller, phases);
    for (const start of [0, 3000, 6000]) {
      const settled = shares.slice(start + 2 * WINDOW, start + 3000);
      for (const share of settled) expect(Math.abs(share - TARGET)).toBeLessThanOrEqual(0.03);
    }
    // The shift is real: the threshold held before it would send far more than 30% of the new traffic.
    const frozen = before.threshold();
    const phase2 = phases.slice(3000, 6000).map((p) => p.score as number);
    expect(phase2.filter((s) => s >= frozen).length / phase2.length).toBeGreaterThan(0.45);
  });

  it('uses the prior until warmed up, then the window', () => {
    const controller = new ShareController({ target: 0.3, prior: 0.42, window: 100, warmup: 10 });
    for (let i = 0; i < 9; i++) controller.observe(i / 10, false);
    expect(controller.threshold()).toBe(0.42);
    controller.observe(0.95, true);
    expect(controller.threshold()).not.toBe(0.42);
  });
});
