// The report's query parsing at its edges: the grouping help text, the error's name, time bounds
// with junk around an otherwise valid value, fractions of a second, expanded years, a date-time
// that names no real time, the earliest time a Date can hold, and windows with one bound, none, or
// two equal bounds. Expected values are written out by hand.

import { describe, expect, it } from 'vitest';
import { groupByHelp, parseGroupBy, parseTimeBound, parseWindow, UsageQueryError } from '../../src/routing/usage-query.ts';

const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
const HELP =
  "tag:<name> (a tag's value), model (the model alias that served the call), router (the router that decided, empty for pass-through), " +
  'mode (the mode the client sent), task (the inferred task type), day (the UTC calendar day); a bare name that is none of these is a tag';

describe('parseGroupBy messages', () => {
  it('lists every column dimension with its meaning in the help, which an empty --by quotes', () => {
    expect(groupByHelp).toBe(HELP);
    expect(() => parseGroupBy('')).toThrow(new UsageQueryError(`--by needs a value: ${HELP}`));
  });

  it('raises a UsageQueryError, named as such', () => {
    const error = (() => {
      try {
        parseGroupBy('tag:');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UsageQueryError);
    expect(error).toMatchObject({ name: 'UsageQueryError', message: '--by tag: needs a tag name, e.g. --by tag:feature' });
  });
});

describe('parseTimeBound edges', () => {
  it('refuses a duration with anything after it, or more than nine digits', () => {
    for (const bad of ['7dx', '7d ', '1234567890d']) expect(() => parseTimeBound('--since', bad, NOW)).toThrow(/--since must be a duration/);
  });

  it('reaches back exactly to the earliest time a Date holds, and refuses a day more', () => {
    // 100,000,000 days of 86,400,000 ms is 8.64e15 ms, the Date range.
    expect(parseTimeBound('--since', '100000000d', 0)).toBe(-8.64e15);
    expect(() => parseTimeBound('--since', '100000001d', 0)).toThrow('--since 100000001d reaches back before any date there is');
  });

  it('reads milliseconds, and refuses finer fractions, expanded years and junk around a time', () => {
    expect(parseTimeBound('--until', '2026-11-01T06:30:00.250Z', NOW)).toBe(Date.UTC(2026, 10, 1, 6, 30, 0, 250));
    expect(parseTimeBound('--until', '2026-11-01T06:30:00.5', NOW)).toBe(Date.UTC(2026, 10, 1, 6, 30, 0, 500));
    for (const bad of ['2026-11-01T06:30:00.1234Z', '+002026-11-01T06:30Z', '2026-11-01T06:30Zjunk', 'x2026-11-01T06:30']) {
      expect(() => parseTimeBound('--until', bad, NOW)).toThrow(/--until must be a duration/);
    }
  });

  it('refuses a date-time of the right shape that names no real time, with the forms it takes', () => {
    expect(() => parseTimeBound('--since', '2026-13-01T06:30', NOW)).toThrow(
      new UsageQueryError(
        '--since must be a duration back from now (30m, 24h, 7d, 2w) or an ISO date or time ' +
          '(2026-11-30, 2026-11-30T12:00Z; UTC when no zone is given), got "2026-13-01T06:30"',
      ),
    );
  });
});

describe('parseWindow', () => {
  it('keeps a missing bound missing', () => {
    expect(parseWindow(undefined, undefined, NOW)).toStrictEqual({ since: undefined, until: undefined });
    expect(parseWindow('7d', undefined, NOW)).toStrictEqual({ since: NOW - 7 * 86_400_000, until: undefined });
    expect(parseWindow(undefined, '2026-11-01', NOW)).toStrictEqual({ since: undefined, until: Date.UTC(2026, 10, 1) });
  });

  it('names the flag whose value it cannot read', () => {
    expect(() => parseWindow('soon', undefined, NOW)).toThrow(/^--since must be/);
    expect(() => parseWindow(undefined, 'soon', NOW)).toThrow(/^--until must be/);
  });

  it('refuses an empty window: equal bounds as well as reversed ones', () => {
    expect(() => parseWindow('2026-11-01', '2026-11-01', NOW)).toThrow(
      '--since (2026-11-01T00:00:00.000Z) must be before --until (2026-11-01T00:00:00.000Z)',
    );
    expect(parseWindow('2026-11-01', '2026-11-01T00:01', NOW)).toStrictEqual({ since: Date.UTC(2026, 10, 1), until: Date.UTC(2026, 10, 1, 0, 1) });
  });
});
