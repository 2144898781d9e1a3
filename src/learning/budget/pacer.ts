// Budget pacing for one router: spend to date (settled) plus in-flight reservations, against the
// period's plan (the budget spread evenly over the period). When committed spend runs ahead of
// the plan the threshold rises linearly from the base threshold to 1 as the lead grows to
// `slack` (50% ahead by default), so more traffic goes weak with no wall. A request reserves its
// worst-case cost before it is sent; one that cannot fit under the cap goes weak, and at the cap
// requests go weak-only or are refused (onExhausted). Reservations go through the store's
// spend-ledger port: per process by default, or one ledger for the whole fleet (Postgres), where
// the check and the reservation are one atomic step, so concurrent requests cannot overshoot.

import type { BudgetPeriod, Tier } from '../../config/types.ts';
import { LocalSpendLedger } from '../../store/shared-state/local/spend-ledger.ts';
import type { SpendLedger, SpendTotals } from '../../store/shared-state/spend-ledger.ts';
import { periodSpan, type PeriodSpan } from './period.ts';

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
  /** Where spend and reservations are kept (default: a ledger of this process alone). */
  ledger?: SpendLedger;
  /** This budget's scope in the ledger (default "router:budget"). */
  scope?: string;
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
  private span: PeriodSpan;
  private readonly seedSpan: PeriodSpan;
  private readonly now: () => number;
  private readonly ledger: SpendLedger;
  private readonly scope: string;
  /** Reservations this pacer holds open (for eviction of idle model-name budgets). */
  private openLeases = 0;

  constructor(private readonly options: BudgetPacerOptions) {
    this.now = options.now ?? Date.now;
    this.span = periodSpan(options.period, this.now());
    this.seedSpan = this.span;
    this.ledger = options.ledger ?? new LocalSpendLedger();
    this.scope = options.scope ?? 'router:budget';
  }

  get spentUsd(): number {
    return this.committed().spentUsd;
  }

  /** Reserved by requests in flight (the fleet's, as last seen, on a shared ledger). */
  get reservedUsd(): number {
    return this.committed().reservedUsd;
  }

  /** True while this pacer has reservations of its own open. */
  get busy(): boolean {
    return this.openLeases > 0;
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
    const { spentUsd, reservedUsd } = this.committed();
    const lead = (spentUsd + reservedUsd) / this.planUsd() - 1;
    if (!(lead > 0)) return base;
    const slack = this.options.slack ?? 0.5;
    return base + (1 - base) * Math.min(1, lead / slack);
  }

  /** Reserves the worst-case cost of the chosen tier, or of the weak one when the strong one does not fit. Rejects only when the ledger is unreachable. */
  async admit(tier: Tier, worstCaseUsd: Record<Tier, number>): Promise<Admission> {
    this.openLeases += 1; // busy from the first step, so an idle-state eviction cannot race the reservation
    try {
      const admission = await this.tryAdmit(tier, worstCaseUsd);
      if (admission.kind === 'rejected') this.openLeases -= 1;
      return admission;
    } catch (error) {
      this.openLeases -= 1;
      throw error;
    }
  }

  private async tryAdmit(tier: Tier, worstCaseUsd: Record<Tier, number>): Promise<Admission> {
    this.roll();
    const span = this.span;
    const { budgetUsd, onExhausted, period } = this.options;
    const first = await this.reserve(span, worstCaseUsd[tier], budgetUsd);
    if (first.kind === 'lease') return this.admitted(tier, first.settle, worstCaseUsd[tier], false);
    if (tier === 'strong') {
      const weak = await this.reserve(span, worstCaseUsd.weak, budgetUsd);
      if (weak.kind === 'lease') return this.admitted('weak', weak.settle, worstCaseUsd.weak, true);
    }
    if (onExhausted === 'weak') {
      const uncapped = await this.reserve(span, worstCaseUsd.weak, null);
      if (uncapped.kind === 'lease') return this.admitted('weak', uncapped.settle, worstCaseUsd.weak, tier === 'strong');
    }
    const { spentUsd, reservedUsd } = first.totals;
    return {
      kind: 'rejected',
      message:
        `budget of $${budgetUsd} per ${period} for this router is exhausted ` +
        `($${spentUsd.toFixed(4)} spent, $${reservedUsd.toFixed(4)} reserved by requests in flight); ` +
        `it resets at ${new Date(span.end).toISOString()}`,
    };
  }

  private async reserve(span: PeriodSpan, amountUsd: number, limitUsd: number | null): Promise<{ kind: 'lease'; settle: (usd: number) => Promise<void> } | { kind: 'refused'; totals: SpendTotals }> {
    const outcome = await this.ledger.reserve({ scope: this.scope, periodStart: span.start, amountUsd, limitUsd, seed: () => this.seedOf(span) });
    return outcome.granted ? { kind: 'lease', settle: (usd) => outcome.lease.settle(usd) } : { kind: 'refused', totals: outcome.totals };
  }

  private admitted(tier: Tier, settleLease: (usd: number) => Promise<void>, reservedUsd: number, downgraded: boolean): Admission {
    let open = true;
    const lease: BudgetLease = {
      reservedUsd,
      tier,
      settle: (actualUsd: number) => {
        if (!open) return;
        open = false;
        this.openLeases -= 1;
        void settleLease(actualUsd);
      },
    };
    return { kind: 'admitted', lease, tier, downgraded };
  }

  /** The log's spend counts for the period the pacer was made in; a later period starts from zero. */
  private seedOf(span: PeriodSpan): number {
    return span.start === this.seedSpan.start ? (this.options.spentUsd ?? 0) : 0;
  }

  private committed(): SpendTotals {
    this.roll();
    return this.ledger.totals(this.scope, this.span.start) ?? { spentUsd: this.seedOf(this.span), reservedUsd: 0 };
  }

  private roll(): void {
    const now = this.now();
    if (now < this.span.end) return;
    this.span = periodSpan(this.options.period, now);
  }
}
