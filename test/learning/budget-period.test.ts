// Budget periods in UTC, at their edges: the first and last millisecond of a day, a week that
// starts on Monday (Sunday belongs to the week before), a month that rolls into the next year,
// and the nominal lengths used for projections.

import { describe, expect, it } from 'vitest';
import { PERIOD_MS, periodSpan } from '../../src/learning/budget/period.ts';

const DAY = 86_400_000;

describe('periodSpan', () => {
  it.each([
    ['day: the first millisecond', 'day', Date.UTC(2026, 5, 10), Date.UTC(2026, 5, 10), Date.UTC(2026, 5, 11)],
    ['day: the last millisecond', 'day', Date.UTC(2026, 5, 11) - 1, Date.UTC(2026, 5, 10), Date.UTC(2026, 5, 11)],
    ['day: the last day of a year', 'day', Date.UTC(2026, 11, 31, 12), Date.UTC(2026, 11, 31), Date.UTC(2027, 0, 1)],
    // 2026-06-08 is a Monday.
    ['week: Monday midnight starts it', 'week', Date.UTC(2026, 5, 8), Date.UTC(2026, 5, 8), Date.UTC(2026, 5, 15)],
    ['week: Wednesday', 'week', Date.UTC(2026, 5, 10, 15), Date.UTC(2026, 5, 8), Date.UTC(2026, 5, 15)],
    ['week: Sunday belongs to the week that began on Monday', 'week', Date.UTC(2026, 5, 14, 23), Date.UTC(2026, 5, 8), Date.UTC(2026, 5, 15)],
    ['week: across a month end', 'week', Date.UTC(2026, 6, 1), Date.UTC(2026, 5, 29), Date.UTC(2026, 6, 6)],
    ['month: the 1st', 'month', Date.UTC(2026, 5, 1), Date.UTC(2026, 5, 1), Date.UTC(2026, 6, 1)],
    ['month: the last millisecond', 'month', Date.UTC(2026, 6, 1) - 1, Date.UTC(2026, 5, 1), Date.UTC(2026, 6, 1)],
    ['month: December ends on 1 January', 'month', Date.UTC(2026, 11, 15), Date.UTC(2026, 11, 1), Date.UTC(2027, 0, 1)],
    ['month: February of a leap year', 'month', Date.UTC(2028, 1, 29), Date.UTC(2028, 1, 1), Date.UTC(2028, 2, 1)],
  ] as const)('%s', (_name, period, now, start, end) => {
    expect(periodSpan(period, now)).toEqual({ start, end });
  });

  it('every instant lies in its own period, and periods tile time', () => {
    for (const period of ['day', 'week', 'month'] as const) {
      let at = Date.UTC(2026, 0, 1, 7);
      for (let i = 0; i < 20; i++) {
        const span = periodSpan(period, at);
        expect(span.start).toBeLessThanOrEqual(at);
        expect(span.end).toBeGreaterThan(at);
        expect(periodSpan(period, span.end).start).toBe(span.end);
        at = span.end + 3_600_000;
      }
    }
  });
});

describe('PERIOD_MS', () => {
  it('is a day, seven days, and thirty days', () => {
    expect(PERIOD_MS).toEqual({ day: DAY, week: 7 * DAY, month: 30 * DAY });
  });
});
