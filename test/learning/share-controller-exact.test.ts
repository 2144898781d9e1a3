// The live share controller, figure by figure: its options (window, warmup, gain and their
// defaults), the prior and setPrior, the live share, and the threshold it sets at every step of a
// random stream, checked against the documented rule recomputed from scratch over the window:
// aim = clamp(target + gain × (target − window share)); send round(aim × window − forced strong)
// of the window's scores strong; threshold midway below the lowest of them.

import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/eval/prng.ts';
import { ShareController } from '../../src/learning/live/share-controller.ts';

interface Seen {
  score: number | null;
  strong: boolean;
}

/** The documented rule, from scratch, over the last `window` observations. */
function expectedThreshold(seen: readonly Seen[], o: { target: number; prior: number; window: number; warmup: number; gain: number }): number {
  const recent = seen.slice(-o.window);
  const scores = recent.flatMap((s) => (s.score === null ? [] : [s.score])).sort((a, b) => b - a);
  if (scores.length < o.warmup) return o.prior;
  const share = recent.filter((s) => s.strong).length / recent.length;
  const forcedStrong = recent.filter((s) => s.score === null && s.strong).length;
  const aim = Math.min(1, Math.max(0, o.target + o.gain * (o.target - share)));
  const k = Math.min(scores.length, Math.max(0, Math.round(aim * recent.length - forcedStrong)));
  if (k === 0) return scores[0]! >= 1 ? 1 : (scores[0]! + 1) / 2;
  const cut = scores[k - 1]!;
  const below = scores[k];
  return below === undefined ? cut : (cut + below) / 2;
}

describe('ShareController against the rule recomputed from scratch', () => {
  it.each([
    ['window 20, warmup 5, gain 2', { target: 0.3, prior: 0.55, window: 20, warmup: 5, gain: 2 }, 11],
    ['window 7, warmup 1, gain 0', { target: 0.5, prior: 0.1, window: 7, warmup: 1, gain: 0 }, 12],
    ['window 50, warmup 10, gain 10', { target: 0.2, prior: 0.9, window: 50, warmup: 10, gain: 10 }, 13],
  ])('%s: the same threshold at every step, evictions included', (_name, o, seed) => {
    const random = seededRandom(seed);
    const controller = new ShareController(o);
    const seen: Seen[] = [];
    for (let i = 0; i < 400; i++) {
      const u = random();
      // A tenth forced strong, a tenth forced weak; scores on a coarse grid so ties and duplicates occur.
      const score = u < 0.1 || u > 0.9 ? null : Math.round(random() * 20) / 20;
      const strong = score === null ? u < 0.1 : score >= controller.threshold();
      controller.observe(score, strong);
      seen.push({ score, strong });
      expect(controller.threshold()).toBe(expectedThreshold(seen, o));
      const recent = seen.slice(-o.window);
      expect(controller.observed).toBe(recent.length);
      expect(controller.liveShare()).toBe(recent.filter((s) => s.strong).length / recent.length);
    }
  });
});

describe('ShareController by hand', () => {
  it('with no gain, sends the target share of the window strong', () => {
    const controller = new ShareController({ target: 0.3, prior: 0.5, window: 10, warmup: 1, gain: 0 });
    for (const score of [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95]) controller.observe(score, false);
    // 30% of 10 = the top 3 (0.8, 0.9, 0.95): midway between 0.8 and 0.7.
    expect(controller.threshold()).toBe((0.8 + 0.7) / 2);
  });

  it('aims past the target by gain × the window error', () => {
    const controller = new ShareController({ target: 0.3, prior: 0.5, window: 10, warmup: 1, gain: 1 });
    // Ten requests, none served strong: error 0.3, aim 0.6, so the top 6 of the window.
    for (const score of [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95]) controller.observe(score, false);
    expect(controller.threshold()).toBe((0.5 + 0.4) / 2);
  });

  it('subtracts requests forced strong from what the threshold sends strong', () => {
    const controller = new ShareController({ target: 0.4, prior: 0.5, window: 10, warmup: 1, gain: 0 });
    for (const score of [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]) controller.observe(score, false);
    controller.observe(null, true);
    controller.observe(null, true);
    // 40% of 10 = 4 strong, 2 already forced: the top 2 scores.
    expect(controller.threshold()).toBe((0.7 + 0.6) / 2);
  });

  it('sends nothing scored strong when forced requests fill the share, and never above a score of 1', () => {
    const low = new ShareController({ target: 0.2, prior: 0.5, window: 5, warmup: 1, gain: 0 });
    low.observe(0.6, false);
    for (let i = 0; i < 4; i++) low.observe(null, true);
    expect(low.threshold()).toBe((0.6 + 1) / 2);
    const top = new ShareController({ target: 0, prior: 0.5, window: 5, warmup: 1, gain: 0 });
    top.observe(1, true);
    expect(top.threshold()).toBe(1);
  });

  it('sends every scored request strong when the aim asks for more than there are', () => {
    const controller = new ShareController({ target: 1, prior: 0.5, window: 5, warmup: 1, gain: 0 });
    controller.observe(0.4, false);
    controller.observe(0.7, false);
    expect(controller.threshold()).toBe(0.4);
  });
});

describe('ShareController options', () => {
  it('defaults to a window of 500 decisions', () => {
    const controller = new ShareController({ target: 0.3, prior: 0.5 });
    expect(controller.windowSize).toBe(500);
    for (let i = 0; i < 501; i++) controller.observe(null, i === 0);
    expect(controller.observed).toBe(500);
    expect(controller.liveShare()).toBe(0); // the one strong decision was evicted
  });

  it('keeps at least one decision, and whole decisions only', () => {
    expect(new ShareController({ target: 0.3, prior: 0.5, window: 0 }).windowSize).toBe(1);
    expect(new ShareController({ target: 0.3, prior: 0.5, window: 2.7 }).windowSize).toBe(2);
  });

  it('defaults to 50 scored decisions of warm-up', () => {
    const controller = new ShareController({ target: 0.3, prior: 0.42 });
    for (let i = 0; i < 49; i++) controller.observe(i / 100, false);
    expect(controller.threshold()).toBe(0.42);
    controller.observe(0.99, false);
    expect(controller.threshold()).not.toBe(0.42);
  });

  it('needs at least one scored decision, and whole ones, to warm up', () => {
    const none = new ShareController({ target: 0.5, prior: 0.42, warmup: 0, gain: 0 });
    none.observe(null, true);
    expect(none.threshold()).toBe(0.42); // no score yet: still the prior
    const fractional = new ShareController({ target: 0.5, prior: 0.42, warmup: 2.5, gain: 0 });
    fractional.observe(0.2, false);
    expect(fractional.threshold()).toBe(0.42);
    fractional.observe(0.8, true);
    expect(fractional.threshold()).toBe((0.8 + 0.2) / 2);
  });

  it('defaults to a gain of 10', () => {
    const controller = new ShareController({ target: 0.3, prior: 0.5, window: 100, warmup: 1 });
    // 100 decisions, 31 strong: error -0.01, aim 0.3 - 0.1 = 0.2, so the top 20 of the scores.
    const scores = Array.from({ length: 100 }, (_, i) => i / 100);
    scores.forEach((score, i) => controller.observe(score, i >= 69));
    expect(controller.threshold()).toBe((0.8 + 0.79) / 2);
  });

  it.each([-0.1, 1.1, Number.NaN])('refuses the target %s', (target) => {
    expect(() => new ShareController({ target, prior: 0.5 })).toThrow(new RangeError(`strong share target must be in [0, 1], got ${target}`));
  });

  it('accepts the targets 0 and 1', () => {
    expect(new ShareController({ target: 0, prior: 0.5 }).target).toBe(0);
    expect(new ShareController({ target: 1, prior: 0.5 }).target).toBe(1);
  });
});

describe('ShareController prior', () => {
  it('has no live share before the first decision', () => {
    const controller = new ShareController({ target: 0.3, prior: 0.5 });
    expect(controller.liveShare()).toBeNaN();
    expect(controller.observed).toBe(0);
    expect(controller.threshold()).toBe(0.5);
  });

  it('takes a new prior at once while warming up, and ignores it once warmed up', () => {
    const controller = new ShareController({ target: 0.5, prior: 0.5, window: 4, warmup: 2, gain: 0 });
    controller.setPrior(0.61);
    expect(controller.threshold()).toBe(0.61);
    controller.observe(0.2, false);
    controller.setPrior(0.62);
    expect(controller.threshold()).toBe(0.62);
    controller.observe(0.8, true);
    const warmed = controller.threshold();
    expect(warmed).toBe((0.8 + 0.2) / 2);
    controller.setPrior(0.63);
    expect(controller.threshold()).toBe(warmed);
  });

  it('falls back to the newest prior when evictions leave too few scores in the window', () => {
    const controller = new ShareController({ target: 0.5, prior: 0.5, window: 4, warmup: 2, gain: 0 });
    controller.observe(0.2, false);
    controller.observe(0.8, true);
    controller.setPrior(0.64); // warmed up: not used now
    controller.observe(null, true);
    controller.observe(null, false);
    controller.observe(null, false); // evicts 0.2: one score left, below the warm-up
    expect(controller.threshold()).toBe(0.64);
  });
});
