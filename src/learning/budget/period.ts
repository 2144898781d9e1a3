// Budget periods in UTC: a day from midnight, a week from Monday midnight, a month from the 1st.

import type { BudgetPeriod } from '../../config/types.ts';

export interface PeriodSpan {
  start: number;
  end: number;
}

export function periodSpan(period: BudgetPeriod, now: number): PeriodSpan {
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  switch (period) {
    case 'day':
      return { start: Date.UTC(y, m, day), end: Date.UTC(y, m, day + 1) };
    case 'week': {
      const sinceMonday = (d.getUTCDay() + 6) % 7;
      return { start: Date.UTC(y, m, day - sinceMonday), end: Date.UTC(y, m, day - sinceMonday + 7) };
    }
    case 'month':
      return { start: Date.UTC(y, m, 1), end: Date.UTC(y, m + 1, 1) };
  }
}

/** Nominal period lengths for projections (a month as 30 days). */
export const PERIOD_MS: Record<BudgetPeriod, number> = {
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: 30 * 86_400_000,
};
