// The shadow daily cap held for a whole fleet: each job's worst case is reserved in the shared
// spend ledger (scope "shadow:<router>", period the UTC day), so gateways sharing one database
// together never pass the router's maxUsdPerDay, where one DailyCap per process would let a fleet
// of N spend N times it. The day's spend already stored as shadow labels seeds the ledger the
// first time the fleet meets the day.

import type { SpendLedger } from '../../store/shared-state/spend-ledger.ts';
import { periodSpan } from '../budget/period.ts';
import type { CapLease, ShadowSpendCap } from './daily-cap.ts';

export interface LedgerDailyCapOptions {
  ledger: SpendLedger;
  router: string;
  maxUsdPerDay: number;
  now: () => number;
  /** Shadow spend stored for this router between two instants (epoch ms), for the seed. */
  storedSpend: (since: number, until: number) => Promise<number>;
}

export class LedgerDailyCap implements ShadowSpendCap {
  constructor(private readonly options: LedgerDailyCapOptions) {}

  async reserve(worstUsd: number): Promise<CapLease | null> {
    const { ledger, router, maxUsdPerDay, now, storedSpend } = this.options;
    const day = periodSpan('day', now());
    const amountUsd = Math.max(0, worstUsd);
    const outcome = await ledger.reserve({
      scope: `shadow:${router}`,
      periodStart: day.start,
      amountUsd,
      limitUsd: maxUsdPerDay,
      seed: () => storedSpend(day.start, day.end),
    });
    if (!outcome.granted) return null;
    const { lease } = outcome;
    return {
      // As DailyCap: a cost that is not a number counts as the whole reservation.
      settle: (actualUsd) => void lease.settle(Number.isFinite(actualUsd) ? actualUsd : amountUsd),
    };
  }
}
