// BudgetPacer at its edges, on a controlled clock: the plan's floor, requests that exactly fit,
// the downgraded flag, the refusal message, reservations counted as spend in flight, settle()
// with unusable costs, the period boundary itself, and spend of a request begun last period.

import { describe, expect, it } from 'vitest';
import { BudgetPacer, type Admission, type BudgetLease } from '../../src/learning/budget/pacer.ts';

const DAY = 86_400_000;
const start = Date.UTC(2026, 5, 10);

function leaseOf(admission: Admission): BudgetLease & { downgraded: boolean } {
  if (admission.kind !== 'admitted') throw new Error(`expected an admission, got: ${admission.message}`);
  return Object.assign(admission.lease, { downgraded: admission.downgraded });
}

describe('BudgetPacer plan', () => {
  it('spreads the budget evenly over the period', async () => {
    let now = start;
    const pacer = new BudgetPacer({ budgetUsd: 100, period: 'day', onExhausted: 'weak', now: () => now });
    now = start + DAY / 4;
    expect(pacer.planUsd()).toBeCloseTo(25, 9);
    now = start + (3 * DAY) / 4;
    expect(pacer.planUsd()).toBeCloseTo(75, 9);
  });

  it('never counts the plan as less than 2% of the budget (so the first minutes are not "ahead")', async () => {
    const pacer = new BudgetPacer({ budgetUsd: 100, period: 'day', onExhausted: 'weak', spentUsd: 2, now: () => start });
    expect(pacer.planUsd()).toBeCloseTo(2, 9);
    // $2 spent at midnight is exactly on the floor plan: no lead, base threshold.
    expect(pacer.threshold(0.3)).toBe(0.3);
  });

  it('honours a configured plan floor', async () => {
    const pacer = new BudgetPacer({ budgetUsd: 100, period: 'day', onExhausted: 'weak', minPlanShare: 0.1, now: () => start + 60_000 });
    expect(pacer.planUsd()).toBeCloseTo(10, 9);
  });

  it('uses the wall clock when no clock is given', async () => {
    const pacer = new BudgetPacer({ budgetUsd: 100, period: 'month', onExhausted: 'weak' });
    const now = new Date();
    const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
    // Between the plan for a moment before and a moment after this call (no timing bound on the test itself).
    const before = Math.max(0.02, (Date.now() - 60_000 - start) / (end - start)) * 100;
    const after = Math.max(0.02, (Date.now() + 60_000 - start) / (end - start)) * 100;
    const plan = pacer.planUsd();
    expect(plan).toBeGreaterThanOrEqual(before);
    expect(plan).toBeLessThanOrEqual(after);
  });
});

describe('BudgetPacer threshold', () => {
  const half = () => start + DAY / 2; // plan $50 of $100

  it.each([
    // spent, slack, base -> threshold
    ['on plan: the base', 50, undefined, 0.4, 0.4],
    ['behind plan: the base', 10, undefined, 0.4, 0.4],
    ['10% ahead, default slack 0.5: a fifth of the way to 1', 55, undefined, 0.4, 0.4 + 0.6 * 0.2],
    ['25% ahead, default slack: halfway to 1', 62.5, undefined, 0.4, 0.7],
    ['50% ahead, default slack: 1', 75, undefined, 0.4, 1],
    ['far ahead: still 1, never above', 99, undefined, 0.4, 1],
    ['10% ahead, slack 0.2: halfway to 1', 55, 0.2, 0.4, 0.7],
    ['base 0 rises too', 55, undefined, 0, 0.2],
  ])('%s', async (_name, spentUsd, slack, base, expected) => {
    const pacer = new BudgetPacer({ budgetUsd: 100, period: 'day', onExhausted: 'weak', spentUsd, now: half, ...(slack === undefined ? {} : { slack }) });
    expect(pacer.threshold(base)).toBeCloseTo(expected, 9);
  });

  it('counts reservations in flight as committed spend, and releases them on settle', async () => {
    const pacer = new BudgetPacer({ budgetUsd: 100, period: 'day', onExhausted: 'weak', spentUsd: 50, now: half });
    const lease = leaseOf(await pacer.admit('strong', { strong: 12.5, weak: 1 }));
    expect(pacer.reservedUsd).toBe(12.5);
    expect(pacer.threshold(0.4)).toBeCloseTo(0.7, 9); // 62.5 committed against 50: 25% ahead
    lease.settle(0);
    expect(pacer.reservedUsd).toBe(0);
    expect(pacer.threshold(0.4)).toBe(0.4);
  });
});

describe('BudgetPacer admission', () => {
  const now = () => start + DAY / 2;

  it('admits a request whose worst case exactly fits the room left', async () => {
    const pacer = new BudgetPacer({ budgetUsd: 10, period: 'day', onExhausted: 'reject', spentUsd: 4, now });
    const lease = leaseOf(await pacer.admit('strong', { strong: 6, weak: 1 }));
    expect(lease.tier).toBe('strong');
    expect(lease.reservedUsd).toBe(6);
    expect(lease.downgraded).toBe(false);
  });

  it.each([
    // onExhausted, spent, asked tier -> tier (or rejected), downgraded, reserved
    ['strong fits', 'reject', 0, 'strong', 'strong', false, 3],
    ['weak asked, fits', 'reject', 0, 'weak', 'weak', false, 1],
    ['strong does not fit, weak does: downgraded', 'reject', 8, 'strong', 'weak', true, 1],
    ['at the cap, reject: refused', 'reject', 10, 'strong', 'rejected', false, 0],
    ['at the cap, weak asked, reject: refused', 'reject', 9.5, 'weak', 'rejected', false, 0],
    ['at the cap, weak-only: weak and downgraded', 'weak', 10, 'strong', 'weak', true, 1],
    ['at the cap, weak asked, weak-only: weak, not downgraded', 'weak', 10, 'weak', 'weak', false, 1],
  ] as const)('%s', async (_name, onExhausted, spentUsd, asked, tier, downgraded, reserved) => {
    const pacer = new BudgetPacer({ budgetUsd: 10, period: 'day', onExhausted, spentUsd, now });
    const admission = await pacer.admit(asked, { strong: 3, weak: 1 });
    if (tier === 'rejected') {
      expect(admission.kind).toBe('rejected');
    } else {
      const lease = leaseOf(admission);
      expect([lease.tier, lease.downgraded, lease.reservedUsd]).toEqual([tier, downgraded, reserved]);
    }
    expect(pacer.reservedUsd).toBe(reserved);
  });

  it('says in the refusal what was spent, what is reserved, and when the budget resets', async () => {
    const pacer = new BudgetPacer({ budgetUsd: 10, period: 'day', onExhausted: 'reject', spentUsd: 8.5, now });
    leaseOf(await pacer.admit('weak', { strong: 3, weak: 1.25 }));
    const refused = await pacer.admit('strong', { strong: 3, weak: 1 });
    expect(refused).toEqual({
      kind: 'rejected',
      message: `budget of $10 per day for this router is exhausted ($8.5000 spent, $1.2500 reserved by requests in flight); it resets at ${new Date(start + DAY).toISOString()}`,
    });
  });

  it('counts reservations against the room, so concurrent requests cannot overshoot', async () => {
    const pacer = new BudgetPacer({ budgetUsd: 10, period: 'day', onExhausted: 'reject', now });
    leaseOf(await pacer.admit('strong', { strong: 6, weak: 1 }));
    const second = leaseOf(await pacer.admit('strong', { strong: 6, weak: 1 }));
    expect(second.tier).toBe('weak');
    expect(pacer.reservedUsd).toBe(7);
  });
});

describe('BudgetPacer settle', () => {
  const now = () => start + DAY / 2;

  it.each([
    ['a real cost', 2.5, 2.5],
    ['zero', 0, 0],
    ['a negative cost counts as nothing', -3, 0],
    ['NaN counts as nothing', Number.NaN, 0],
    ['infinity counts as nothing', Number.POSITIVE_INFINITY, 0],
  ])('%s', async (_name, actual, counted) => {
    const pacer = new BudgetPacer({ budgetUsd: 10, period: 'day', onExhausted: 'weak', spentUsd: 1, now });
    leaseOf(await pacer.admit('strong', { strong: 3, weak: 1 })).settle(actual);
    expect(pacer.spentUsd).toBe(1 + counted);
    expect(pacer.reservedUsd).toBe(0);
  });

  it('replaces the reservation by the actual cost once: a second settle changes nothing', async () => {
    const pacer = new BudgetPacer({ budgetUsd: 10, period: 'day', onExhausted: 'weak', now });
    const a = leaseOf(await pacer.admit('strong', { strong: 3, weak: 1 }));
    const b = leaseOf(await pacer.admit('strong', { strong: 2, weak: 1 }));
    a.settle(1);
    a.settle(1);
    expect(pacer.reservedUsd).toBe(2);
    expect(pacer.spentUsd).toBe(1);
    b.settle(0.5);
    expect(pacer.reservedUsd).toBe(0);
    expect(pacer.spentUsd).toBe(1.5);
  });
});

describe('BudgetPacer period boundary', () => {
  it('starts a new period at exactly its first millisecond, with nothing spent', async () => {
    let now = start + DAY - 1;
    const pacer = new BudgetPacer({ budgetUsd: 10, period: 'day', onExhausted: 'reject', spentUsd: 10, now: () => now });
    expect((await pacer.admit('weak', { strong: 3, weak: 1 })).kind).toBe('rejected');
    now = start + DAY;
    expect(pacer.spentUsd).toBe(0);
    expect((await pacer.admit('strong', { strong: 3, weak: 1 })).kind).toBe('admitted');
    // The new period's plan starts from its own start: its floor, not the old day's.
    expect(pacer.planUsd()).toBeCloseTo(0.2, 9);
  });

  it('rolls over on admit too: a cap reached yesterday does not refuse today', async () => {
    let now = start + DAY / 2;
    const pacer = new BudgetPacer({ budgetUsd: 10, period: 'day', onExhausted: 'reject', spentUsd: 10, now: () => now });
    now = start + DAY + 5;
    const lease = leaseOf(await pacer.admit('strong', { strong: 3, weak: 1 }));
    expect(lease.tier).toBe('strong');
  });

  it('counts the cost of a request begun last period in that period, not the new one', async () => {
    let now = start + DAY - 10;
    const pacer = new BudgetPacer({ budgetUsd: 10, period: 'day', onExhausted: 'weak', now: () => now });
    const late = leaseOf(await pacer.admit('strong', { strong: 3, weak: 1 }));
    now = start + DAY + 10;
    const fresh = leaseOf(await pacer.admit('strong', { strong: 2, weak: 1 }));
    late.settle(3);
    expect(pacer.spentUsd).toBe(0);
    expect(pacer.reservedUsd).toBe(2); // the old reservation is released all the same
    fresh.settle(1.5);
    expect(pacer.spentUsd).toBe(1.5);
  });
});
