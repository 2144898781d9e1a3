// The shadow daily cap at its edges, with exact sums: a reservation that lands exactly on the cap
// is allowed and one a cent past it is not; negative worst cases reserve nothing; a settlement
// frees exactly its own reservation and books the real cost (or the reservation when the real cost
// is unknown, and nothing when it is negative); the day boundary is UTC midnight, also when the day
// turns between reserve and settle.

import { describe, expect, it } from 'vitest';
import { DailyCap } from '../../src/learning/shadow/daily-cap.ts';

const DAY = 86_400_000;

describe('DailyCap edges', () => {
  it('allows a reservation that fills the cap exactly, not one past it', () => {
    const cap = new DailyCap(1, () => 5 * DAY, 0.25);
    expect(cap.maxUsdPerDay).toBe(1);
    expect(cap.spentToday()).toBe(0.25);
    expect(cap.reserve(0.5)).not.toBeNull();
    expect(cap.reserve(0.26)).toBeNull();
    expect(cap.reserve(0.25)).not.toBeNull();
    expect(cap.reserve(0.01)).toBeNull();
    // A zero worst case always fits, even on a full day.
    expect(cap.reserve(0)).not.toBeNull();
  });

  it('reserves nothing for a negative worst case', () => {
    const cap = new DailyCap(1, () => DAY);
    const negative = cap.reserve(-5);
    expect(negative).not.toBeNull();
    // Had -5 been reserved, 6 would fit; it must not.
    expect(cap.reserve(6)).toBeNull();
    expect(cap.reserve(1)).not.toBeNull();
    negative?.settle(-2);
    expect(cap.spentToday()).toBe(0);
  });

  it('frees exactly the settled reservation and books the actual cost', () => {
    const cap = new DailyCap(1, () => DAY);
    const big = cap.reserve(0.75);
    const small = cap.reserve(0.25);
    expect(cap.reserve(0.01)).toBeNull();
    small?.settle(0.125);
    // 0.75 reserved + 0.125 spent: 0.125 left.
    expect(cap.spentToday()).toBe(0.125);
    expect(cap.reserve(0.25)).toBeNull();
    const rest = cap.reserve(0.125);
    expect(rest).not.toBeNull();
    big?.settle(0.5);
    // 0.125 reserved + 0.625 spent: 0.25 left.
    expect(cap.spentToday()).toBe(0.625);
    expect(cap.reserve(0.375)).toBeNull();
    expect(cap.reserve(0.25)).not.toBeNull();
  });

  it('books the reservation when the actual cost is unknown, and nothing for a negative cost', () => {
    const cap = new DailyCap(10, () => DAY);
    cap.reserve(0.5)?.settle(Number.NaN);
    expect(cap.spentToday()).toBe(0.5);
    cap.reserve(0.25)?.settle(Number.POSITIVE_INFINITY);
    expect(cap.spentToday()).toBe(0.75);
    cap.reserve(0.25)?.settle(-1);
    expect(cap.spentToday()).toBe(0.75);
    // A settlement above the reservation books the real cost.
    cap.reserve(0.25)?.settle(2);
    expect(cap.spentToday()).toBe(2.75);
  });

  it('settles only once: a second settle neither frees nor books anything', () => {
    const cap = new DailyCap(1, () => DAY);
    const lease = cap.reserve(0.5);
    lease?.settle(0.25);
    lease?.settle(0.25);
    expect(cap.spentToday()).toBe(0.25);
    const held = cap.reserve(0.5);
    expect(held).not.toBeNull();
    lease?.settle(0);
    // Had the second settle freed 0.5 again, 0.5 more would fit.
    expect(cap.reserve(0.5)).toBeNull();
  });

  it('turns the day at UTC midnight, keeping spend until the last millisecond of the day', () => {
    let now = 7 * DAY - 1;
    const cap = new DailyCap(1, () => now, 0.9);
    expect(cap.reserve(0.2)).toBeNull();
    now = 7 * DAY;
    expect(cap.spentToday()).toBe(0);
    expect(cap.reserve(1)).not.toBeNull();
  });

  it('books a job that ends after midnight on the new day, and frees its reservation there', () => {
    let now = 2 * DAY + 10;
    const cap = new DailyCap(1, () => now);
    const lease = cap.reserve(0.5);
    now = 3 * DAY + 10;
    lease?.settle(0.25);
    expect(cap.spentToday()).toBe(0.25);
    expect(cap.reserve(0.75)).not.toBeNull();
  });
});
