// The per-process spend ledger (SQLite and memory stores): totals held in this process's memory,
// seeded from the decision log the first time a (scope, period) is met. The check and the
// reservation run in one synchronous step, so this process's concurrent requests cannot overshoot;
// other processes on the same database are not seen (that is the Postgres ledger's job). Only the
// newest period of a scope is kept; a lease of an older period still settles into its own totals.

import { countableUsd, type SpendLease, type SpendLedger, type SpendOutcome, type SpendRequest, type SpendTotals } from '../spend-ledger.ts';

interface Entry {
  periodStart: number;
  spent: number;
  reserved: number;
}

export class LocalSpendLedger implements SpendLedger {
  readonly #entries = new Map<string, Entry>();

  async reserve(request: SpendRequest): Promise<SpendOutcome> {
    let entry = this.#current(request.scope, request.periodStart);
    if (!entry) {
      const seeded = countableUsd(await request.seed());
      // Another request may have seeded it while this one read the log.
      entry = this.#current(request.scope, request.periodStart);
      if (!entry) {
        entry = { periodStart: request.periodStart, spent: seeded, reserved: 0 };
        const held = this.#entries.get(request.scope);
        if (!held || held.periodStart < request.periodStart) this.#entries.set(request.scope, entry);
      }
    }
    return this.#take(entry, request);
  }

  totals(scope: string, periodStart: number): SpendTotals | undefined {
    const entry = this.#current(scope, periodStart);
    return entry ? { spentUsd: entry.spent, reservedUsd: entry.reserved } : undefined;
  }

  async refresh(): Promise<void> {}

  async close(): Promise<void> {}

  #current(scope: string, periodStart: number): Entry | undefined {
    const entry = this.#entries.get(scope);
    return entry?.periodStart === periodStart ? entry : undefined;
  }

  /** The check and the reservation, in one synchronous step. */
  #take(entry: Entry, request: SpendRequest): SpendOutcome {
    const { amountUsd, limitUsd } = request;
    if (limitUsd !== null && entry.spent + entry.reserved + amountUsd > limitUsd) {
      return { granted: false, totals: { spentUsd: entry.spent, reservedUsd: entry.reserved } };
    }
    entry.reserved += amountUsd;
    let open = true;
    const lease: SpendLease = {
      amountUsd,
      settle: async (actualUsd) => {
        if (!open) return;
        open = false;
        entry.reserved -= amountUsd;
        entry.spent += countableUsd(actualUsd);
      },
    };
    return { granted: true, lease, totals: { spentUsd: entry.spent, reservedUsd: entry.reserved } };
  }
}
