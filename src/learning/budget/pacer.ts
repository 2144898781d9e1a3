// Budget pacing for one router: spend to date (settled) plus in-flight reservations, against the
// period's plan (the budget spread evenly over the period). When committed spend runs ahead of
// the plan the threshold rises linearly from the base threshold to 1 as the lead grows to
// `slack` (50% ahead by default), so more traffic goes weak with no wall. A request reserves its
// worst-case cost before it is sent; one that cannot fit under the cap goes weak, and at the cap
// requests go weak-only or are refused (onExhausted). Reservations make concurrent requests
// unable to overshoot: the check and the reservation happen in one synchronous step.

import type { BudgetPeriod, Tier } from '../../config/types.ts';
import { periodSpan } from './period.ts';

export interface BudgetPacerOptions {
  budgetUsd: number;
  period: BudgetPeriod;
  onExhausted: 'weak' | 'reject';
  /** Spend already settled in the current period (read from the log at start). */
  spentUsd?: number;
  /** How far ahead of plan (as a fraction) sends everything weak (default 0.5). */
  slack?: number;
  /** The plan never counts as less than this share of the budget (default 2%), so a period's first minutes are not "ahead". */
  minPlanShare?: number;
  now?: () => number;
}

export interface BudgetLease {
  /** Worst-case cost reserved. */
  readonly reservedUsd: number;
  readonly tier: Tier;
  /** Replaces the reservation by the actual cost; later calls do nothing. */
  settle(actualUsd: number): void;
}

export type Admission =
  | { kind: 'admitted'; lease: BudgetLease; tier: Tier; downgraded: boolean }
  | { kind: 'rejected'; message: string };

export class BudgetPacer {
  private spent: number;
  private reserved = 0;
  private span;
  private readonly now: () => number;

  constructor(private readonly options: BudgetPacerOptions) {
    this.now = options.now ?? Date.now;
    this.spent = options.spentUsd ?? 0;
    this.span = periodSpan(options.period, this.now());
  }

  get spentUsd(): number {
    this.roll();
    return this.spent;
  }

  get reservedUsd(): number {
    return this.reserved;
  }

  /** The budget spread evenly over the period, up to now. */
  planUsd(): number {
    this.roll();
    const { start, end } = this.span;
    const elapsed = Math.min(1, Math.max(0, (this.now() - start) / (end - start)));
    return this.options.budgetUsd * Math.max(elapsed, this.options.minPlanShare ?? 0.02);
  }

  /** The threshold to use given the base (calibrated or configured) one. */
  threshold(base: number): number {
    const committed = this.spentUsd + this.reserved;
    const lead = committed / this.planUsd() - 1;
    if (!(lead > 0)) return base;
    const slack = this.options.slack ?? 0.5;
    return base + (1 - base) * Math.min(1, lead / slack);
  }

  /** Reserves the worst-case cost of the chosen tier, or of the weak one when the strong one does not fit. */
  admit(tier: Tier, worstCaseUsd: Record<Tier, number>): Admission {
    this.roll();
    const room = this.options.budgetUsd - this.spent - this.reserved;
    if (worstCaseUsd[tier] <= room) return this.lease(tier, worstCaseUsd[tier], false);
    if (tier === 'strong' && worstCaseUsd.weak <= room) return this.lease('weak', worstCaseUsd.weak, true);
    if (this.options.onExhausted === 'weak') return this.lease('weak', worstCaseUsd.weak, tier === 'strong');
    const { budgetUsd, period } = this.options;
    return {
      kind: 'rejected',
      message:
        `budget of $${budgetUsd} per ${period} for this router is exhausted ` +
        `($${this.spent.toFixed(4)} spent, $${this.reserved.toFixed(4)} reserved by requests in flight); ` +
        `it resets at ${new Date(this.span.end).toISOString()}`,
    };
  }

  private lease(tier: Tier, reservedUsd: number, downgraded: boolean): Admission {
    this.reserved += reservedUsd;
    let open = true;
    const span = this.span;
    const lease: BudgetLease = {
      reservedUsd,
      tier,
      settle: (actualUsd: number) => {
        if (!open) return;
        open = false;
        this.reserved -= reservedUsd;
        // Spend of a request begun in an earlier period still counts there, not in this one.
        if (this.span === span) this.spent += Number.isFinite(actualUsd) && actualUsd > 0 ? actualUsd : 0;
      },
    };
    return { kind: 'admitted', lease, tier, downgraded };
  }

  private roll(): void {
    const now = this.now();
    if (now < this.span.end) return;
    this.span = periodSpan(this.options.period, now);
    this.spent = 0;
  }
}
