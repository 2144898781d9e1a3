// The ShareWindows conformance suite: every implementation (per process, Postgres) runs it with a
// factory returning a fresh set of windows; each case uses router names of its own. Covers the
// counts (strong, forced, scored) and the scores read back highest first (to 1/1000), the window
// keeping the newest ~size decisions (Postgres may hold up to one batch more: `slack`), router
// names kept apart, and version changing when the view may have.

import { randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { describeSuite, type ConformanceOptions } from '../support/conformance.ts';
import type { ShareWindows, WindowView } from '../../src/store/shared-state/share-window.ts';


function scoresOf(view: WindowView): number[] {
  return Array.from({ length: view.scored }, (_, i) => view.highest(i + 1) as number);
}

export function describeShareWindowConformance(name: string, options: ConformanceOptions<ShareWindows>): void {
  describeSuite('ShareWindows', name, options.skip, () => {
    const opened: ShareWindows[] = [];
    const open = async () => {
      const windows = await options.create();
      opened.push(windows);
      return windows;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((windows) => windows.close()));
    });
    const router = () => `r-${randomUUID()}`;

    it('counts decisions, strong ones and forced ones, and reads the scores back highest first', async () => {
      const windows = await open();
      const window = windows.open(router(), 100);
      const before = window.version;
      window.record(0.9, true);
      window.record(0.2, false);
      window.record(0.55, true);
      window.record(null, true);
      window.record(null, false);
      expect(window.version).not.toBe(before);
      for (const view of [window.view(), (await windows.sync(), window.view())]) {
        expect([view.count, view.strong, view.forcedStrong, view.scored]).toEqual([5, 3, 1, 3]);
        const scores = scoresOf(view);
        [0.9, 0.55, 0.2].forEach((score, i) => expect(scores[i]).toBeCloseTo(score, 3));
        expect(view.highest(0)).toBeUndefined();
        expect(view.highest(4)).toBeUndefined();
      }
    });

    it('keeps the newest decisions: older ones leave once about `size` newer ones arrived', async () => {
      const windows = await open();
      const window = windows.open(router(), 50);
      const batch = 10;
      for (let i = 0; i < 12; i++) {
        for (let j = 0; j < batch; j++) window.record(0.1, false);
        await windows.sync();
      }
      for (let i = 0; i < 8; i++) {
        for (let j = 0; j < batch; j++) window.record(0.8, true);
        await windows.sync();
      }
      const view = window.view();
      expect(view.count).toBeGreaterThanOrEqual(50);
      expect(view.count).toBeLessThanOrEqual(50 + batch);
      expect(view.strong).toBe(view.count); // only the newest (strong) decisions are left
      expect(view.highest(view.scored)).toBeCloseTo(0.8, 3);
    });

    it('keeps router names apart and returns the same window for the same name', async () => {
      const windows = await open();
      const a = router();
      windows.open(a, 20).record(0.5, true);
      const b = windows.open(router(), 20);
      b.record(0.1, false);
      b.record(0.2, false);
      await windows.sync();
      expect(windows.open(a, 20).view().count).toBe(1);
      expect(b.view().count).toBe(2);
      expect(b.view().strong).toBe(0);
    });
  });
}
