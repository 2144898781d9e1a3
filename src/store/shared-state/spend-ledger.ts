// The spend-ledger port: atomic reservations against a spend limit, per scope (a gateway key, a
// router's budget) and period. A request reserves its worst-case cost before its upstream call
// and settles its real cost when it ends; the check and the reservation are one atomic step, so
// concurrent requests (in one process, or in every gateway instance sharing the ledger) cannot
// together go over the limit. Reservations a crashed instance left behind expire. Implemented
// per process (local/) and in Postgres (postgres/); both run test/store/spend-ledger.conformance.ts.

import { z } from 'zod';

/** What a scope spent (settled) and holds reserved (in flight) in one period, in USD. */
export const SpendTotalsSchema = z.object({ spentUsd: z.number(), reservedUsd: z.number() }).strict();
export type SpendTotals = z.infer<typeof SpendTotalsSchema>;

export interface SpendRequest {
  /** "key:key_0123456789ab", "router:default", "router:default@b500m". */
  scope: string;
  /** Start of the period (epoch ms); spend of different periods never mixes. */
  periodStart: number;
  amountUsd: number;
  /** The cap spent + reserved + amount must stay within; null reserves without a cap (still counted). */
  limitUsd: number | null;
  /**
   * Spend the decision log already holds for this scope in this period: read only when the ledger
   * meets the (scope, period) for the first time (per process locally; once for the fleet in Postgres).
   */
  seed: () => Promise<number> | number;
}

export interface SpendLease {
  readonly amountUsd: number;
  /** Replaces the reservation by the real cost (non-finite or negative counts as 0). Later calls do nothing. Never rejects. */
  settle(actualUsd: number): Promise<void>;
}

export type SpendOutcome =
  | { granted: true; lease: SpendLease; totals: SpendTotals }
  | { granted: false; totals: SpendTotals };

export interface SpendLedger {
  /** Reserves `amountUsd` if it fits under the limit; the totals are as seen by this step. May reject when the ledger is unreachable. */
  reserve(request: SpendRequest): Promise<SpendOutcome>;
  /** The totals last seen for a scope and period (synchronous; undefined before the first reserve or refresh). */
  totals(scope: string, periodStart: number): SpendTotals | undefined;
  /** Re-reads the totals of the scopes this ledger has met and releases expired reservations. */
  refresh(): Promise<void>;
  /** Stops timers; open reservations are left to expire (Postgres) or vanish with the process (local). */
  close(): Promise<void>;
}

/** A settled cost as the ledger counts it: finite and non-negative. */
export function countableUsd(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}
