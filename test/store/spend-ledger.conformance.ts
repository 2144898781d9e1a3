// The SpendLedger conformance suite: every ledger (per process, Postgres) runs it with a factory
// returning a ledger; each case uses scopes of its own, so ledgers on one database never meet.
// Covers grants and refusals at the limit, uncapped reservations, settle (once, unusable costs as
// zero), seeding from the log once per (scope, period), periods kept apart, and many concurrent
// reservations against one limit never overshooting it.

import { randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { describeSuite, type ConformanceOptions } from '../support/conformance.ts';
import type { SpendLedger, SpendOutcome, SpendRequest } from '../../src/store/shared-state/spend-ledger.ts';


function granted(outcome: SpendOutcome): Extract<SpendOutcome, { granted: true }> {
  if (!outcome.granted) throw new Error(`refused: ${JSON.stringify(outcome.totals)}`);
  return outcome;
}

export function describeSpendLedgerConformance(name: string, options: ConformanceOptions<SpendLedger>): void {
  describeSuite('SpendLedger', name, options.skip, () => {
    const opened: SpendLedger[] = [];
    const open = async () => {
      const ledger = await options.create();
      opened.push(ledger);
      return ledger;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((ledger) => ledger.close()));
    });
    const PERIOD = Date.UTC(2026, 5, 10);
    const ask = (scope: string, amountUsd: number, limitUsd: number | null, extra: Partial<SpendRequest> = {}): SpendRequest => ({
      scope, periodStart: PERIOD, amountUsd, limitUsd, seed: () => 0, ...extra,
    });
    const scope = () => `test:${randomUUID()}`;

    it('grants while the reservation fits, counts it as reserved, and moves the real cost to spent on settle', async () => {
      const ledger = await open();
      const s = scope();
      const first = granted(await ledger.reserve(ask(s, 3, 10)));
      expect(first.totals).toEqual({ spentUsd: 0, reservedUsd: 3 });
      expect(first.lease.amountUsd).toBe(3);
      expect(ledger.totals(s, PERIOD)).toEqual({ spentUsd: 0, reservedUsd: 3 });
      await first.lease.settle(1.25);
      expect(ledger.totals(s, PERIOD)).toEqual({ spentUsd: 1.25, reservedUsd: 0 });
    });

    it('refuses what would go over the limit, reserving nothing, and says what is spent and reserved', async () => {
      const ledger = await open();
      const s = scope();
      const held = granted(await ledger.reserve(ask(s, 6, 10)));
      const fits = granted(await ledger.reserve(ask(s, 4, 10))); // exactly to the limit
      const refused = await ledger.reserve(ask(s, 0.5, 10));
      expect(refused).toEqual({ granted: false, totals: { spentUsd: 0, reservedUsd: 10 } });
      await held.lease.settle(2);
      await fits.lease.settle(1);
      expect(ledger.totals(s, PERIOD)).toEqual({ spentUsd: 3, reservedUsd: 0 });
      granted(await ledger.reserve(ask(s, 7, 10)));
    });

    it('grants an uncapped reservation (limit null) even past a spent limit, and still counts it', async () => {
      const ledger = await open();
      const s = scope();
      const over = granted(await ledger.reserve(ask(s, 5, null, { seed: () => 100 })));
      expect(over.totals).toEqual({ spentUsd: 100, reservedUsd: 5 });
      await over.lease.settle(4);
      expect(ledger.totals(s, PERIOD)).toEqual({ spentUsd: 104, reservedUsd: 0 });
    });

    it('settles once; a negative, NaN or infinite cost counts as nothing', async () => {
      const ledger = await open();
      const s = scope();
      const a = granted(await ledger.reserve(ask(s, 2, 10)));
      await a.lease.settle(1);
      await a.lease.settle(5);
      expect(ledger.totals(s, PERIOD)).toEqual({ spentUsd: 1, reservedUsd: 0 });
      for (const bad of [-3, Number.NaN, Number.POSITIVE_INFINITY]) {
        const lease = granted(await ledger.reserve(ask(s, 1, 10))).lease;
        await lease.settle(bad);
      }
      expect(ledger.totals(s, PERIOD)).toEqual({ spentUsd: 1, reservedUsd: 0 });
    });

    it('seeds a (scope, period) from the log once, and keeps scopes and periods apart', async () => {
      const ledger = await open();
      const s = scope();
      const other = scope();
      let seeds = 0;
      const seed = async () => {
        seeds += 1;
        return 8;
      };
      expect((await ledger.reserve(ask(s, 3, 10, { seed }))).granted).toBe(false); // 8 + 3 > 10
      granted(await ledger.reserve(ask(s, 2, 10, { seed })));
      expect(seeds).toBe(1);
      expect(ledger.totals(s, PERIOD)).toEqual({ spentUsd: 8, reservedUsd: 2 });
      granted(await ledger.reserve(ask(other, 10, 10)));
      const next = PERIOD + 86_400_000;
      const fresh = granted(await ledger.reserve(ask(s, 10, 10, { periodStart: next })));
      expect(fresh.totals).toEqual({ spentUsd: 0, reservedUsd: 10 });
      expect(ledger.totals(other, PERIOD)).toEqual({ spentUsd: 0, reservedUsd: 10 });
    });

    it('settles a lease of an earlier period into that period, not the current one', async () => {
      const ledger = await open();
      const s = scope();
      const late = granted(await ledger.reserve(ask(s, 3, 10)));
      const next = PERIOD + 86_400_000;
      const fresh = granted(await ledger.reserve(ask(s, 2, 10, { periodStart: next })));
      await late.lease.settle(3);
      expect(ledger.totals(s, next)).toEqual({ spentUsd: 0, reservedUsd: 2 });
      await fresh.lease.settle(1.5);
      expect(ledger.totals(s, next)).toEqual({ spentUsd: 1.5, reservedUsd: 0 });
    });

    it('never overshoots under many concurrent reservations against one limit', async () => {
      const ledger = await open();
      const s = scope();
      const outcomes = await Promise.all(Array.from({ length: 120 }, () => ledger.reserve(ask(s, 0.25, 10, { seed: () => 1 }))));
      const leases = outcomes.filter((o) => o.granted);
      expect(leases.length).toBe(36); // (10 - 1) / 0.25
      await Promise.all(leases.map((o) => granted(o).lease.settle(0.25)));
      expect(ledger.totals(s, PERIOD)).toEqual({ spentUsd: 10, reservedUsd: 0 });
      expect((await ledger.reserve(ask(s, 0.01, 10))).granted).toBe(false);
    });
  });
}
