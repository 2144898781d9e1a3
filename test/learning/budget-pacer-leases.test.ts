// BudgetPacer's own bookkeeping of open reservations (`busy`, which lets an idle model-name budget
// be evicted only when none of its requests is in flight), the ledger scope it reserves under, and
// the ledger calls an admission makes. The ledgers are the real per-process LocalSpendLedger, or
// small SpendLedger implementations that refuse or fail, for what the local ledger never does.

import { describe, expect, it } from 'vitest';
import { BudgetPacer, type Admission, type BudgetLease } from '../../src/learning/budget/pacer.ts';
import { periodSpan } from '../../src/learning/budget/period.ts';
import { LocalSpendLedger } from '../../src/store/shared-state/local/spend-ledger.ts';
import type { SpendLedger, SpendOutcome, SpendRequest } from '../../src/store/shared-state/spend-ledger.ts';

const start = Date.UTC(2026, 5, 10);
const periodStart = periodSpan('day', start).start;
const costs = { strong: 1, weak: 0.1 };

function leaseOf(admission: Admission): BudgetLease {
  if (admission.kind !== 'admitted') throw new Error(`expected an admission, got: ${admission.message}`);
  return admission.lease;
}

/** The local ledger, with every reserve() call recorded. */
function recording(): { ledger: SpendLedger; calls: SpendRequest[] } {
  const inner = new LocalSpendLedger();
  const calls: SpendRequest[] = [];
  const ledger: SpendLedger = {
    reserve: (request) => {
      calls.push(request);
      return inner.reserve(request);
    },
    totals: (scope, period) => inner.totals(scope, period),
    refresh: () => inner.refresh(),
    close: () => inner.close(),
  };
  return { ledger, calls };
}

/** A ledger whose every reserve() answers with `outcome` (or throws when it is an Error). */
function answering(outcome: SpendOutcome | Error): SpendLedger {
  return {
    reserve: async () => {
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
    totals: () => undefined,
    refresh: async () => {},
    close: async () => {},
  };
}

describe('BudgetPacer busy', () => {
  it('is busy from admission until the lease is settled, and settling twice counts once', async () => {
    const pacer = new BudgetPacer({ budgetUsd: 100, period: 'day', onExhausted: 'weak', now: () => start });
    expect(pacer.busy).toBe(false);
    const first = leaseOf(await pacer.admit('strong', costs));
    expect(pacer.busy).toBe(true);
    first.settle(0.5);
    expect(pacer.busy).toBe(false);
    first.settle(0.5);
    // The second settle() neither closed another lease nor counted the cost again.
    const second = leaseOf(await pacer.admit('strong', costs));
    expect(pacer.busy).toBe(true);
    expect(pacer.spentUsd).toBeCloseTo(0.5, 12);
    second.settle(0.25);
    expect(pacer.busy).toBe(false);
    expect(pacer.spentUsd).toBeCloseTo(0.75, 12);
  });

  it('is not busy after a refusal', async () => {
    const pacer = new BudgetPacer({ budgetUsd: 0.05, period: 'day', onExhausted: 'reject', now: () => start });
    const admission = await pacer.admit('strong', costs);
    expect(admission.kind).toBe('rejected');
    expect(pacer.busy).toBe(false);
  });

  it('is not busy after a ledger failure, which is passed on', async () => {
    const pacer = new BudgetPacer({ budgetUsd: 100, period: 'day', onExhausted: 'weak', now: () => start, ledger: answering(new Error('ledger unreachable')) });
    await expect(pacer.admit('strong', costs)).rejects.toThrow('ledger unreachable');
    expect(pacer.busy).toBe(false);
  });
});

describe('BudgetPacer ledger use', () => {
  it('reserves under "router:budget" unless given a scope', async () => {
    const ledger = new LocalSpendLedger();
    const pacer = new BudgetPacer({ budgetUsd: 100, period: 'day', onExhausted: 'weak', now: () => start, ledger });
    leaseOf(await pacer.admit('strong', costs));
    expect(ledger.totals('router:budget', periodStart)).toEqual({ spentUsd: 0, reservedUsd: 1 });

    const scoped = new BudgetPacer({ budgetUsd: 100, period: 'day', onExhausted: 'weak', now: () => start, ledger, scope: 'router:default@b500m' });
    leaseOf(await scoped.admit('weak', costs));
    expect(ledger.totals('router:default@b500m', periodStart)).toEqual({ spentUsd: 0, reservedUsd: 0.1 });
    expect(ledger.totals('router:budget', periodStart)).toEqual({ spentUsd: 0, reservedUsd: 1 });
  });

  it('asks the ledger once for a weak request over the cap, and three times for a strong one (strong, weak, uncapped weak)', async () => {
    const weak = recording();
    const rejecting = new BudgetPacer({ budgetUsd: 0.05, period: 'day', onExhausted: 'reject', now: () => start, ledger: weak.ledger });
    expect((await rejecting.admit('weak', costs)).kind).toBe('rejected');
    expect(weak.calls.map((call) => [call.amountUsd, call.limitUsd])).toEqual([[0.1, 0.05]]);

    const strong = recording();
    const degrading = new BudgetPacer({ budgetUsd: 0.05, period: 'day', onExhausted: 'weak', now: () => start, ledger: strong.ledger });
    const admission = await degrading.admit('strong', costs);
    expect(admission).toMatchObject({ kind: 'admitted', tier: 'weak', downgraded: true });
    expect(strong.calls.map((call) => [call.amountUsd, call.limitUsd])).toEqual([[1, 0.05], [0.1, 0.05], [0.1, null]]);
  });

  it('rejects when the ledger refuses even the uncapped weak reservation', async () => {
    const ledger = answering({ granted: false, totals: { spentUsd: 3, reservedUsd: 0.5 } });
    const pacer = new BudgetPacer({ budgetUsd: 10, period: 'day', onExhausted: 'weak', now: () => start, ledger });
    const admission = await pacer.admit('strong', costs);
    expect(admission.kind).toBe('rejected');
    expect(admission.kind === 'rejected' ? admission.message : '').toContain('($3.0000 spent, $0.5000 reserved by requests in flight)');
    expect(pacer.busy).toBe(false);
  });
});
