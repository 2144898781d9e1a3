// Target adherence, the figures `triage report` prints for routers holding a target: which routers
// get a row (configured targets and suffixed names seen in traffic), which requests count, the
// live and recent strong share, and for a budget the spend this period against the plan and cap.

import { describe, expect, it } from 'vitest';
import { targetAdherence } from '../../src/learning/adherence.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { DecisionRecord } from '../../src/store/store.ts';
import { reportConfigRaw, usageRecord } from '../support/usage-rows.ts';

const now = Date.UTC(2026, 5, 10, 6); // a quarter into the day
const config = parseConfig(
  {
    ...reportConfigRaw,
    routers: {
      default: { ...reportConfigRaw.routers.default, target: { strongShare: 0.3 } },
      deep: { ...reportConfigRaw.routers.deep, target: { budgetUsd: 40, period: 'day', onExhausted: 'reject' } },
      plain: { ...reportConfigRaw.routers.default },
      careful: { ...reportConfigRaw.routers.default, target: { quality: 0.9 } },
    },
  },
  'adherence test',
);

let next = 0;
const row = (router: string, tier: 'strong' | 'weak', ageMs: number, fields: Partial<DecisionRecord> = {}): DecisionRecord =>
  usageRecord({ id: `r${next++}`, router, tier, createdAt: now - ageMs, costUsd: 1, ...fields });

describe('targetAdherence', () => {
  it('gives one row per router with a target, sorted by name, with its target described', () => {
    const rows = targetAdherence([], config, { now });
    expect(rows.map((r) => [r.router, r.target])).toEqual([
      ['careful', 'quality 0.9'],
      ['deep', 'budget $40/day (reject at cap)'],
      ['default', 'strongShare 0.3'],
    ]);
    const empty = rows.find((r) => r.router === 'default')!;
    expect(empty.requests).toBe(0);
    expect(empty.liveShare).toBeNaN();
    expect(empty.recentShare).toBeNaN();
    expect([empty.targetShare, empty.spentUsd, empty.planUsd, empty.budgetUsd]).toEqual([0.3, null, null, null]);
  });

  it('counts only served chat decisions: no dry runs, refusals, budget refusals, untiered rows or other routers', () => {
    const rows = [
      row('default', 'strong', 10),
      row('default', 'weak', 20),
      row('default', 'weak', 30),
      row('default', 'weak', 40),
      row('default', 'strong', 50, { kind: 'route' }),
      row('default', 'strong', 60, { reason: 'rejected' }),
      row('default', 'strong', 70, { reason: 'budget-exhausted' }),
      row('default', 'strong', 80, { tier: null }),
      row('plain', 'strong', 90),
      row('default', 'strong', 100, { router: null }),
    ];
    const [entry] = targetAdherence(rows, config, { now }).filter((r) => r.router === 'default');
    expect(entry).toMatchObject({ requests: 4, liveShare: 0.25, recentShare: 0.25, targetShare: 0.3 });
  });

  it('gives the recent share over the newest `window` requests by time, not by input order', () => {
    // Oldest first: 6 strong, then 4 weak. Given newest first, shuffled.
    const rows = [...Array.from({ length: 6 }, (_, i) => row('default', 'strong', 1000 - i)), ...Array.from({ length: 4 }, (_, i) => row('default', 'weak', 10 + i))].reverse();
    const [entry] = targetAdherence(rows, config, { now, window: 5 }).filter((r) => r.router === 'default');
    expect(entry).toMatchObject({ requests: 10, liveShare: 0.6, recentShare: 1 / 5 });
  });

  it('uses a recent window of 500 by default', () => {
    const rows = [...Array.from({ length: 100 }, (_, i) => row('default', 'strong', 10_000 + i)), ...Array.from({ length: 500 }, (_, i) => row('default', 'weak', i))];
    const [entry] = targetAdherence(rows, config, { now }).filter((r) => r.router === 'default');
    expect(entry).toMatchObject({ requests: 600, liveShare: 100 / 600, recentShare: 0 });
  });

  it('for a budget: spend this period (from its first millisecond, missing costs as 0), the plan to date and the cap', () => {
    const rows = [
      row('deep', 'strong', 1000, { costUsd: 2.5 }),
      row('deep', 'weak', 2000, { costUsd: null }),
      row('deep', 'weak', now - Date.UTC(2026, 5, 10), { costUsd: 1 }), // midnight: this period
      row('deep', 'strong', now - Date.UTC(2026, 5, 10) + 1, { costUsd: 100 }), // yesterday
    ];
    const [entry] = targetAdherence(rows, config, { now }).filter((r) => r.router === 'deep');
    expect(entry).toMatchObject({ requests: 4, liveShare: 0.5, spentUsd: 3.5, planUsd: 40 * 0.25, budgetUsd: 40, targetShare: null });
  });

  it('never plans more than the whole budget, and nothing before the period starts', () => {
    const fullDay = targetAdherence([], config, { now: Date.UTC(2026, 5, 11) - 1 }).find((r) => r.router === 'deep')!;
    expect(fullDay.planUsd).toBeCloseTo(40, 6);
    expect(fullDay.planUsd).toBeLessThanOrEqual(40);
    const midnight = targetAdherence([], config, { now: Date.UTC(2026, 5, 10) }).find((r) => r.router === 'deep')!;
    expect(midnight.planUsd).toBe(0);
  });

  it('adds suffixed router names seen in traffic ("default@s30"), with the suffix as their target', () => {
    // Unknown bases ("ghost@s40"), unparsable suffixes ("plain@zz") and routers without an "@" get no row.
    const rows = [row('plain@s40', 'strong', 10), row('plain@s40', 'weak', 20), row('plain@q95', 'strong', 30), row('ghost@s40', 'strong', 40), row('plain@zz', 'strong', 50), row('unknown', 'strong', 60)];
    const entries = targetAdherence(rows, config, { now });
    expect(entries.map((r) => [r.router, r.target, r.requests])).toEqual([
      ['careful', 'quality 0.9', 0],
      ['deep', 'budget $40/day (reject at cap)', 0],
      ['default', 'strongShare 0.3', 0],
      ['plain@q95', 'quality 0.95', 1],
      ['plain@s40', 'strongShare 0.4', 2],
    ]);
    expect(entries.find((r) => r.router === 'plain@s40')).toMatchObject({ liveShare: 0.5, targetShare: 0.4 });
  });

  it('reads the wall clock when no time is given', () => {
    const [entry] = targetAdherence([], config).filter((r) => r.router === 'deep');
    expect(entry!.planUsd).toBeGreaterThanOrEqual(0);
    expect(entry!.planUsd).toBeLessThanOrEqual(40);
  });
});
