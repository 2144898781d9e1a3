// The window of logged traffic the calibrators and replay read: the window spellings, which rows
// count (chat decisions of the router, no dry runs or refusals), which the threshold decided, the
// tier chosen before a retry on the other model, each row's cost on either model, and the spend at
// a threshold. The rows are read back from a real SQLite log.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { costSamplesOf, decidedByThreshold, parseWindow, readWindow, shareWindowOf, spendAt } from '../../src/learning/window.ts';
import type { CostSample } from '../../src/learning/calibrate/budget.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { makeDecision } from '../store/fixtures/decision.ts';
import { suiteTempDir } from '../support/temp-dir.ts';

describe('parseWindow', () => {
  it.each([
    ['30m', { kind: 'duration', ms: 30 * 60_000, spec: '30m' }],
    ['24h', { kind: 'duration', ms: 24 * 3_600_000, spec: '24h' }],
    ['7d', { kind: 'duration', ms: 7 * 86_400_000, spec: '7d' }],
    ['2w', { kind: 'duration', ms: 2 * 7 * 86_400_000, spec: '2w' }],
    ['20000', { kind: 'rows', count: 20_000, spec: '20000' }],
    ['1', { kind: 'rows', count: 1, spec: '1' }],
  ])('%s', (value, spec) => {
    expect(parseWindow(value)).toEqual(spec);
  });

  it.each(['0', '', '7 d', 'd7', '7y', '-5', '1.5h', '7dd', 'x7d'])('refuses "%s" with the accepted spellings', (value) => {
    expect(() => parseWindow(value)).toThrow(new Error(`window must be a duration (30m, 24h, 7d, 2w) or a number of requests (20000), got "${value}"`));
  });
});

describe('decidedByThreshold', () => {
  it.each([
    ['score>=threshold', 0.7, true],
    ['score<threshold', 0.2, true],
    ['score>=threshold; retried on weak', 0.7, true],
    ['score<threshold; retried on strong', 0.2, true],
    ['score>=threshold', null, false],
    ['mode:plan', 0.7, false],
    ['task-type:code', 0.7, false],
    ['scorer-timeout', null, false],
    ['fallback score>=threshold', 0.7, false],
  ] as const)('%s with score %s: %s', (reason, score, decided) => {
    expect(decidedByThreshold({ reason, score })).toBe(decided);
  });
});

const prices = { strong: { input: 4, output: 8 }, weak: { input: 1, output: 2 } };
const usage = { promptTokens: 1_000_000, completionTokens: 500_000, cachedTokens: 0 };
// At these prices a row costs $8 on the strong model and $2 on the weak one.

describe('shareWindowOf and costSamplesOf', () => {
  const rows = [
    makeDecision({ id: 'a', score: 0.8, tier: 'strong', reason: 'score>=threshold', ...usage }),
    makeDecision({ id: 'b', score: 0.3, tier: 'weak', reason: 'score<threshold', ...usage }),
    makeDecision({ id: 'c', score: null, tier: 'strong', reason: 'mode:plan', ...usage }),
    makeDecision({ id: 'd', score: 0.9, tier: 'weak', reason: 'task-type:chat', ...usage }),
    // A forced strong request that failed and was served weak: it was chosen strong.
    makeDecision({ id: 'e', score: null, tier: 'weak', reason: 'mode:plan; retried on weak', ...usage }),
    // A forced weak request retried on strong: chosen weak.
    makeDecision({ id: 'f', score: null, tier: 'strong', reason: 'mode:summarize; retried on strong', ...usage }),
    makeDecision({ id: 'g', score: 0.6, tier: 'weak', reason: 'score>=threshold; retried on weak', promptTokens: null, completionTokens: null, cachedTokens: null }),
  ];

  it('puts threshold-decided scores in the window and counts forced tiers as chosen, before any retry', () => {
    expect(shareWindowOf(rows)).toEqual({ scores: [0.8, 0.3, 0.6], forcedStrong: 2, forcedWeak: 2 });
  });

  it('prices every row on both models and marks forced rows with their chosen tier', () => {
    expect(costSamplesOf(rows, prices)).toEqual([
      { score: 0.8, forced: null, strongCostUsd: 8, weakCostUsd: 2 },
      { score: 0.3, forced: null, strongCostUsd: 8, weakCostUsd: 2 },
      { score: null, forced: 'strong', strongCostUsd: 8, weakCostUsd: 2 },
      { score: null, forced: 'weak', strongCostUsd: 8, weakCostUsd: 2 },
      { score: null, forced: 'strong', strongCostUsd: 8, weakCostUsd: 2 },
      { score: null, forced: 'weak', strongCostUsd: 8, weakCostUsd: 2 },
      // Missing token counts cost nothing.
      { score: 0.6, forced: null, strongCostUsd: 0, weakCostUsd: 0 },
    ]);
  });

  it('bills cached tokens at the cached price', () => {
    const cached = makeDecision({ score: 0.5, reason: 'score<threshold', promptTokens: 1_000_000, completionTokens: 0, cachedTokens: 1_000_000 });
    const [sample] = costSamplesOf([cached], { strong: { input: 4, output: 8, cachedInput: 1 }, weak: { input: 1, output: 2, cachedInput: 0.5 } });
    expect(sample).toEqual({ score: 0.5, forced: null, strongCostUsd: 1, weakCostUsd: 0.5 });
  });
});

describe('spendAt', () => {
  const samples: CostSample[] = [
    { score: 0.8, forced: null, strongCostUsd: 8, weakCostUsd: 2 },
    { score: 0.5, forced: null, strongCostUsd: 4, weakCostUsd: 1 },
    { score: 0.2, forced: null, strongCostUsd: 2, weakCostUsd: 0.5 },
    { score: null, forced: 'strong', strongCostUsd: 16, weakCostUsd: 4 },
    { score: 0.9, forced: 'weak', strongCostUsd: 32, weakCostUsd: 8 },
  ];

  it.each([
    // threshold, scale -> routed, all strong, strong share
    [0.9, 1, 2 + 1 + 0.5 + 16 + 8, 8 + 4 + 2 + 16 + 8, 1 / 5],
    [0.5, 1, 8 + 4 + 0.5 + 16 + 8, 8 + 4 + 2 + 16 + 8, 3 / 5], // a score equal to the threshold goes strong
    [0, 1, 8 + 4 + 2 + 16 + 8, 8 + 4 + 2 + 16 + 8, 4 / 5],
    [0.5, 3, (8 + 4 + 0.5 + 16 + 8) * 3, (8 + 4 + 2 + 16 + 8) * 3, 3 / 5],
  ])('threshold %s, scale %s', (threshold, scale, routed, allStrong, strongShare) => {
    expect(spendAt(samples, threshold, scale)).toEqual({ routed, allStrong, strongShare });
  });

  it('has no share for no samples', () => {
    expect(spendAt([], 0.5, 1)).toEqual({ routed: 0, allStrong: 0, strongShare: Number.NaN });
  });
});

describe('readWindow on a real SQLite log', () => {
  const dir = suiteTempDir('triage-window-');
  const now = 1_800_000_000_000;

  async function storeWith(name: string) {
    const store = openSqliteStore(join(dir.path, name));
    const log = (id: string, ageMs: number, fields: Parameters<typeof makeDecision>[0] = {}) =>
      store.log(makeDecision({ id, createdAt: now - ageMs, router: 'default', kind: 'chat', tier: 'strong', reason: 'score>=threshold', ...fields }));
    log('new', 1_000);
    log('mid', 60_000);
    log('old', 3_600_000);
    log('ancient', 3 * 86_400_000);
    log('dry', 500, { kind: 'route' });
    log('refused', 600, { reason: 'rejected', tier: null });
    log('capped', 700, { reason: 'budget-exhausted' });
    log('no-tier', 800, { tier: null, reason: 'upstream-error' });
    log('rejected-tier', 900, { reason: 'rejected' });
    log('other-router', 1_000, { router: 'other' });
    return store;
  }

  it('a duration: the router\'s chat decisions since now - duration, spanning the whole duration', async () => {
    const store = await storeWith('a.db');
    try {
      const window = await readWindow(store, 'default', parseWindow('1d'), now);
      expect(window.rows.map((r) => r.id)).toEqual(['new', 'mid', 'old']);
      expect({ since: window.since, until: window.until, spanMs: window.spanMs }).toEqual({ since: now - 86_400_000, until: now, spanMs: 86_400_000 });
    } finally {
      await store.close();
    }
  });

  it('a row count: the newest N, spanning from the oldest to the newest of them', async () => {
    const store = await storeWith('b.db');
    try {
      const window = await readWindow(store, 'default', parseWindow('2'), now);
      expect(window.rows.map((r) => r.id)).toEqual(['new', 'mid']);
      expect({ since: window.since, until: window.until, spanMs: window.spanMs }).toEqual({ since: now - 60_000, until: now - 1_000, spanMs: 59_000 });
      const all = await readWindow(store, 'default', parseWindow('100'), now);
      expect(all.rows.map((r) => r.id)).toEqual(['new', 'mid', 'old', 'ancient']);
    } finally {
      await store.close();
    }
  });

  it('a row count of one row, or of none: a span of at least 1 ms', async () => {
    const store = await storeWith('c.db');
    try {
      const one = await readWindow(store, 'default', parseWindow('1'), now);
      expect({ since: one.since, until: one.until, spanMs: one.spanMs }).toEqual({ since: now - 1_000, until: now - 1_000, spanMs: 1 });
      const none = await readWindow(store, 'nobody', parseWindow('5'), now);
      expect({ rows: none.rows, since: none.since, until: none.until, spanMs: none.spanMs }).toEqual({ rows: [], since: null, until: null, spanMs: 1 });
    } finally {
      await store.close();
    }
  });
});
