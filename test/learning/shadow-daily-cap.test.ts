// The shadow daily cap: reservations of the worst case, settlement to the real cost, the UTC day
// rolling over, and the invariant that settled plus reserved spend never passes the cap.

import { describe, expect, it } from 'vitest';
import { DailyCap } from '../../src/learning/shadow/daily-cap.ts';
import { seededRandom } from '../../src/eval/prng.ts';

const DAY = 86_400_000;

describe('DailyCap', () => {
  it('refuses a reservation that would pass the cap, counting spend carried in from the store', () => {
    const cap = new DailyCap(1, () => 10 * DAY, 0.7);
    expect(cap.reserve(0.4)).toBeNull();
    const lease = cap.reserve(0.3);
    expect(lease).not.toBeNull();
    expect(cap.reserve(0.01)).toBeNull();
    lease?.settle(0.05);
    expect(cap.spentToday()).toBeCloseTo(0.75, 12);
    expect(cap.reserve(0.25)).not.toBeNull();
  });

  it('settles once, and starts from zero on the next UTC day', () => {
    let now = 3 * DAY + 5;
    const cap = new DailyCap(1, () => now);
    const lease = cap.reserve(1);
    lease?.settle(0.9);
    lease?.settle(0.9);
    expect(cap.spentToday()).toBeCloseTo(0.9, 12);
    expect(cap.reserve(0.2)).toBeNull();
    now = 4 * DAY;
    expect(cap.spentToday()).toBe(0);
    expect(cap.reserve(1)).not.toBeNull();
  });

  it('never lets settled spend pass the cap when real costs stay within their reservations', () => {
    const random = seededRandom(11);
    const cap = new DailyCap(2, () => DAY);
    const open: Array<{ settle(usd: number): void; worst: number }> = [];
    for (let step = 0; step < 5000; step++) {
      if (random() < 0.6) {
        const worst = random() * 0.3;
        const lease = cap.reserve(worst);
        if (lease) open.push({ settle: lease.settle, worst });
      } else if (open.length > 0) {
        const [lease] = open.splice(Math.floor(random() * open.length), 1);
        lease?.settle(lease.worst * random());
      }
      expect(cap.spentToday()).toBeLessThanOrEqual(2 + 1e-12);
    }
  });
});
