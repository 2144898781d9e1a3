// BudgetPacer on a controlled clock: the threshold rises smoothly as spend runs ahead of the
// period's plan, reservations bound concurrent admissions, settle() is idempotent, and a new
// period starts from zero.

import { describe, expect, it } from 'vitest';
import { BudgetPacer } from '../../src/learning/budget/pacer.ts';
import { periodSpan } from '../../src/learning/budget/period.ts';

const DAY = 86_400_000;
const start = Date.UTC(2026, 5, 10);

describe('BudgetPacer', () => {
  it('keeps the base threshold on plan and raises it smoothly, up to 1, when ahead', async () => {
    let now = start + DAY / 2; // half the day gone: plan is $50 of $100
    const pacer = new BudgetPacer({ budgetUsd: 100, period: 'day', onExhausted: 'weak', spentUsd: 50, now: () => now });
    expect(pacer.planUsd()).toBeCloseTo(50, 9);
    expect(pacer.threshold(0.4)).toBe(0.4);
    const leases = [];
    const thresholds: number[] = [];
    for (let i = 0; i < 5; i++) {
      const admitted = await pacer.admit('strong', { strong: 5, weak: 0.5 });
      if (admitted.kind === 'admitted') leases.push(admitted.lease);
      thresholds.push(pacer.threshold(0.4));
    }
    // Committed 55, 60, ... 75 against a plan of 50: 10%..50% ahead -> 0.4 + 0.6 * lead / 0.5.
    thresholds.forEach((t, i) => expect(t).toBeCloseTo(0.4 + 0.6 * Math.min(1, ((i + 1) * 5) / 50 / 0.5), 9));
    expect(thresholds[4]).toBe(1);
    for (const lease of leases) lease.settle(1);
    expect(pacer.spentUsd).toBe(55);
    expect(pacer.reservedUsd).toBe(0);
    leases[0]!.settle(100); // idempotent
    expect(pacer.spentUsd).toBe(55);
    now = start + DAY + 1;
    expect(pacer.spentUsd).toBe(0); // a new day
  });

  it('admits by worst case: strong while it fits, then weak, then refuses (reject) or goes weak-only', async () => {
    const now = () => start + DAY / 2;
    const reject = new BudgetPacer({ budgetUsd: 10, period: 'day', onExhausted: 'reject', now });
    const kinds: string[] = [];
    for (let i = 0; i < 6; i++) {
      const a = await reject.admit('strong', { strong: 3, weak: 1 });
      kinds.push(a.kind === 'admitted' ? a.tier : 'rejected');
    }
    expect(kinds).toEqual(['strong', 'strong', 'strong', 'weak', 'rejected', 'rejected']);
    const weak = new BudgetPacer({ budgetUsd: 10, period: 'day', onExhausted: 'weak', spentUsd: 10, now });
    const a = await weak.admit('strong', { strong: 3, weak: 1 });
    expect(a.kind === 'admitted' && a.tier).toBe('weak');
  });

  it('computes UTC periods', () => {
    const wednesday = Date.UTC(2026, 5, 10, 15);
    expect(periodSpan('day', wednesday)).toEqual({ start: Date.UTC(2026, 5, 10), end: Date.UTC(2026, 5, 11) });
    expect(periodSpan('week', wednesday)).toEqual({ start: Date.UTC(2026, 5, 8), end: Date.UTC(2026, 5, 15) });
    expect(periodSpan('month', wednesday)).toEqual({ start: Date.UTC(2026, 5, 1), end: Date.UTC(2026, 6, 1) });
  });
});
