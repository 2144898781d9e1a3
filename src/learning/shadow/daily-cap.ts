// The shadow spend cap of one router per UTC day: a job reserves its worst case before any call is
// sent and settles to what it really cost when it ends, so spent + reserved never passes the cap.
// The day's spend so far is read from the store at start-up (a restart keeps counting). This is
// one process's own cap; ledger-cap.ts holds the same cap for every instance sharing a spend ledger.

import { periodSpan } from '../budget/period.ts';

export interface CapLease {
  /** Replaces the reservation with the actual cost (once; later calls do nothing). */
  settle(actualUsd: number): void;
}

/** What the runner reserves a job's worst case against: this process's cap, or the fleet's. */
export interface ShadowSpendCap {
  /** A lease for `worstUsd`, or null when it would take today's spend past the cap. */
  reserve(worstUsd: number): CapLease | null | Promise<CapLease | null>;
}

export class DailyCap implements ShadowSpendCap {
  private day: number;
  private spent = 0;
  private reserved = 0;

  constructor(
    readonly maxUsdPerDay: number,
    private readonly now: () => number,
    spentToday = 0,
  ) {
    this.day = periodSpan('day', now()).start;
    this.spent = spentToday;
  }

  /** A lease for `worstUsd`, or null when it would take today's spend past the cap. */
  reserve(worstUsd: number): CapLease | null {
    this.rollOver();
    const amount = Math.max(0, worstUsd);
    if (this.spent + this.reserved + amount > this.maxUsdPerDay) return null;
    this.reserved += amount;
    let open = true;
    return {
      settle: (actualUsd) => {
        if (!open) return;
        open = false;
        this.rollOver();
        this.reserved = Math.max(0, this.reserved - amount);
        this.spent += Math.max(0, Number.isFinite(actualUsd) ? actualUsd : amount);
      },
    };
  }

  /** Settled spend today (USD). */
  spentToday(): number {
    this.rollOver();
    return this.spent;
  }

  private rollOver(): void {
    const today = periodSpan('day', this.now()).start;
    if (today === this.day) return;
    this.day = today;
    this.spent = 0;
  }
}
