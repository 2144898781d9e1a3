// The usage report on real SQLite files and on the memory store: every figure equals a direct,
// row-by-row computation over the same rows; the all-strong counterfactual on a hand-priced case;
// grouping, sorting by tokens, the top cut; and the parsing of --by, --since and --until.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { MemoryDecisionStore } from '../../src/store/memory.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import type { DecisionRecord, DecisionStore } from '../../src/store/store.ts';
import { usageCells } from '../../src/store/usage-cells.ts';
import { buildUsageReport, strongPricingFrom, usageReport, UsageReportSchema, type UsageFigures } from '../../src/routing/usage-report.ts';
import { parseGroupBy, parseTimeBound, parseWindow } from '../../src/routing/usage-query.ts';
import { suiteTempDir } from '../support/temp-dir.ts';
import { directReport, reportConfigRaw, seededRows, usageRecord, type DirectFigures } from '../support/usage-rows.ts';

const config = parseConfig(reportConfigRaw, 'test');
const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);

function expectFigures(actual: UsageFigures | undefined, expected: DirectFigures | undefined): void {
  expect(actual).toBeDefined();
  expect(expected).toBeDefined();
  const a = actual!;
  const e = expected!;
  expect({
    requests: a.requests, promptTokens: a.promptTokens, completionTokens: a.completionTokens, routedRequests: a.routedRequests,
    strongRequests: a.strongRequests, passthroughRequests: a.passthroughRequests, unpricedRequests: a.unpricedRequests,
  }).toStrictEqual({
    requests: e.requests, promptTokens: e.promptTokens, completionTokens: e.completionTokens, routedRequests: e.routedRequests,
    strongRequests: e.strongRequests, passthroughRequests: e.passthroughRequests, unpricedRequests: e.unpricedRequests,
  });
  expect(a.totalTokens).toBe(e.promptTokens + e.completionTokens);
  expect(a.costUsd).toBeCloseTo(e.costUsd, 9);
  expect(a.allStrongCostUsd).toBeCloseTo(e.allStrongCostUsd, 9);
  expect(a.savingUsd).toBeCloseTo(e.allStrongCostUsd - e.costUsd, 9);
  if (e.allStrongCostUsd > 0) expect(a.savingPct).toBeCloseTo(((e.allStrongCostUsd - e.costUsd) / e.allStrongCostUsd) * 100, 6);
  else expect(a.savingPct).toBeNull();
  if (e.routedRequests > 0) expect(a.strongShare).toBeCloseTo(e.strongRequests / e.routedRequests, 12);
  else expect(a.strongShare).toBeNull();
}

describe('usage report over seeded rows', () => {
  const dir = suiteTempDir('triage-usage-report-');
  const rows = seededRows(3000, 7, NOW);

  async function seeded(kind: 'sqlite' | 'memory'): Promise<DecisionStore> {
    const store = kind === 'sqlite' ? openSqliteStore(join(dir.path, 'log.db')) : new MemoryDecisionStore();
    for (const row of rows) store.log(row);
    await store.flush();
    return store;
  }

  for (const kind of ['sqlite', 'memory'] as const) {
    it(`equals a direct computation per tag, model and day (${kind})`, async () => {
      const store = await seeded(kind);
      try {
        const cases: Array<[Parameters<typeof parseGroupBy>[0], (row: DecisionRecord) => string]> = [
          ['team', (row) => row.tags['team'] ?? ''],
          ['model', (row) => row.modelAlias ?? ''],
          ['day', (row) => new Date(row.createdAt).toISOString().slice(0, 10)],
          ['router', (row) => row.router ?? ''],
        ];
        for (const [by, keyOf] of cases) {
          const report = await usageReport(store, config, { groupBy: parseGroupBy(by) });
          const direct = directReport(rows, config, keyOf);
          expectFigures(report.upstream, direct.upstream);
          expect(report.dryRuns.requests).toBe(direct.dryRuns);
          expect(report.rejected.requests).toBe(direct.rejected);
          expect(report.upstream.requests + report.dryRuns.requests + report.rejected.requests).toBe(rows.length);
          expect(report.groups.map((group) => group.key).sort()).toStrictEqual([...direct.groups.keys()].sort());
          for (const group of report.groups) expectFigures(group, direct.groups.get(group.key));
          expect(UsageReportSchema.parse(report)).toStrictEqual(report);
        }
      } finally {
        await store.close();
      }
    });
  }

  it('honours the window: since inclusive, until exclusive, router', async () => {
    const store = await seeded('sqlite');
    try {
      const since = NOW - 3 * 86_400_000;
      const until = NOW - 86_400_000;
      const report = await usageReport(store, config, { groupBy: { dimension: 'model' }, query: { since, until, router: 'deep' } });
      const inWindow = rows.filter((row) => row.createdAt >= since && row.createdAt < until && row.router === 'deep');
      expect(inWindow.length).toBeGreaterThan(0);
      expect(inWindow.length).toBeLessThan(rows.filter((row) => row.router === 'deep').length);
      expectFigures(report.upstream, directReport(inWindow, config, (row) => row.modelAlias ?? '').upstream);
      expect(report.window).toStrictEqual({ since: new Date(since).toISOString(), until: new Date(until).toISOString(), router: 'deep' });
    } finally {
      await store.close();
    }
  });
});

describe('the all-strong counterfactual', () => {
  it('prices weak calls on the router strong model, everything else at its own cost', () => {
    const rows = [
      // 600 uncached + 400 cached prompt tokens and 100 completion tokens on big ($10 / $1 / $30): $0.0094.
      usageRecord({ id: 'weak', promptTokens: 1000, cachedTokens: 400, completionTokens: 100, costUsd: 0.001 }),
      usageRecord({ id: 'strong', tier: 'strong', modelAlias: 'big', promptTokens: 1, completionTokens: 1, costUsd: 0.005 }),
      usageRecord({ id: 'pass', router: null, tier: null, promptTokens: 5000, completionTokens: 5000, costUsd: 0.002 }),
      usageRecord({ id: 'gone', router: 'retired', promptTokens: 5000, completionTokens: 5000, costUsd: 0.003 }),
      // A RouteLLM model name is logged as the router: the default router's strong model prices it.
      usageRecord({ id: 'routellm', router: 'router-random-0.3', promptTokens: 100_000, cachedTokens: 0, completionTokens: 0, costUsd: 0.1 }),
      usageRecord({ id: 'dry', kind: 'route', promptTokens: null, completionTokens: null, costUsd: null }),
      usageRecord({ id: 'bad', reason: 'rejected', status: 400, router: null, tier: null, modelAlias: null, costUsd: null }),
    ];
    const report = buildUsageReport(usageCells(rows, { dimension: 'model' }), { groupBy: { dimension: 'model' }, pricing: strongPricingFrom(config) });
    expect(report.upstream).toMatchObject({ requests: 5, routedRequests: 4, strongRequests: 1, passthroughRequests: 1, unpricedRequests: 1 });
    // 100k prompt tokens at $10/M on big: $1.
    expect(report.upstream.costUsd).toBeCloseTo(0.111, 12);
    expect(report.upstream.allStrongCostUsd).toBeCloseTo(0.0094 + 0.005 + 0.002 + 0.003 + 1, 12);
    expect(report.upstream.savingUsd).toBeCloseTo(0.9084, 12);
    expect(report.upstream.savingPct).toBeCloseTo((0.9084 / 1.0194) * 100, 9);
    expect(report.upstream.strongShare).toBeCloseTo(1 / 4, 12);
    expect(report.dryRuns).toStrictEqual({ requests: 1, routedRequests: 1, strongRequests: 0, strongShare: 0 });
    expect(report.rejected).toStrictEqual({ requests: 1 });
  });

  it('sorts groups by tokens, not cost, and adds up the groups past the top cut', () => {
    const rows = [
      usageRecord({ id: '1', tags: { f: 'cheap-but-big' }, promptTokens: 9000, completionTokens: 0, costUsd: 0.001 }),
      usageRecord({ id: '2', tags: { f: 'pricey' }, promptTokens: 10, completionTokens: 10, costUsd: 1 }),
      usageRecord({ id: '3', tags: { f: 'mid' }, promptTokens: 500, completionTokens: 0, costUsd: 0.5 }),
      usageRecord({ id: '4', tags: { f: 'mid' }, promptTokens: 500, completionTokens: 0, costUsd: 0.5 }),
      usageRecord({ id: '5', tags: {}, promptTokens: 10, completionTokens: 10, costUsd: 0.25 }),
    ];
    const groupBy = parseGroupBy('tag:f');
    const all = buildUsageReport(usageCells(rows, groupBy), { groupBy, pricing: strongPricingFrom(config) });
    expect(all.groupBy).toBe('tag:f');
    expect(all.groups.map((group) => group.key)).toStrictEqual(['cheap-but-big', 'mid', 'pricey', '']);
    expect(all.otherGroups).toBeNull();
    const top = buildUsageReport(usageCells(rows, groupBy), { groupBy, pricing: strongPricingFrom(config), top: 2 });
    expect(top.groups.map((group) => group.key)).toStrictEqual(['cheap-but-big', 'mid']);
    expect(top.otherGroups).toMatchObject({ groups: 2, requests: 2, totalTokens: 40 });
    expect(top.otherGroups?.costUsd).toBeCloseTo(1.25, 12);
    expect(top.upstream).toStrictEqual(all.upstream);
  });
});

describe('report query parsing', () => {
  it('reads groupings, keeping a bare name as a tag', () => {
    expect(parseGroupBy(undefined)).toStrictEqual({ dimension: 'model' });
    expect(parseGroupBy('tag:feature')).toStrictEqual({ dimension: 'tag', tag: 'feature' });
    expect(parseGroupBy('tag:model')).toStrictEqual({ dimension: 'tag', tag: 'model' });
    expect(parseGroupBy('feature')).toStrictEqual({ dimension: 'tag', tag: 'feature' });
    for (const dimension of ['mode', 'task', 'router', 'model', 'day'] as const) expect(parseGroupBy(dimension)).toStrictEqual({ dimension });
    expect(parseGroupBy('task-type')).toStrictEqual({ dimension: 'task' });
    expect(() => parseGroupBy('tag:')).toThrow(/tag name/);
    expect(() => parseGroupBy('')).toThrow(/needs a value/);
  });

  it('reads durations back from now and ISO dates and times (UTC without a zone)', () => {
    expect(parseTimeBound('--since', '30m', NOW)).toBe(NOW - 30 * 60_000);
    expect(parseTimeBound('--since', '24h', NOW)).toBe(NOW - 86_400_000);
    expect(parseTimeBound('--since', '7d', NOW)).toBe(NOW - 7 * 86_400_000);
    expect(parseTimeBound('--since', '2w', NOW)).toBe(NOW - 14 * 86_400_000);
    expect(parseTimeBound('--since', '2026-11-01', NOW)).toBe(Date.UTC(2026, 10, 1));
    expect(parseTimeBound('--until', '2026-11-01T06:30', NOW)).toBe(Date.UTC(2026, 10, 1, 6, 30));
    expect(parseTimeBound('--until', '2026-11-01T06:30:00+02:00', NOW)).toBe(Date.UTC(2026, 10, 1, 4, 30));
    for (const bad of ['7', '7y', 'yesterday', '2026-02-30', '2026-13-01', '-1d', '']) {
      expect(() => parseTimeBound('--since', bad, NOW)).toThrow(/--since must be a duration/);
    }
    expect(() => parseTimeBound('--since', '999999999w', NOW)).toThrow(/before any date/);
    expect(parseWindow('7d', '1d', NOW)).toStrictEqual({ since: NOW - 7 * 86_400_000, until: NOW - 86_400_000 });
    expect(() => parseWindow('1d', '7d', NOW)).toThrow(/must be before --until/);
  });
});
