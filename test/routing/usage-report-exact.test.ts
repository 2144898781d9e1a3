// buildUsageReport() at its edges, on rows worked out by hand: the grouping label, cached tokens
// summed, the saving when nothing was priced, dry runs with and without a router, ties in the group
// order (tokens, then cost, then key), `top` 0 meaning every group, and the groups past the cut
// adding up upstream calls only. Rows go through usageCells(), as the memory store's report does.

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { buildUsageReport, groupByLabel, strongPricingFrom } from '../../src/routing/usage-report.ts';
import type { UsageGroupBy } from '../../src/store/store.ts';
import { usageCells } from '../../src/store/usage-cells.ts';
import type { DecisionRecord } from '../../src/store/store.ts';
import { reportConfigRaw, usageRecord } from '../support/usage-rows.ts';

const pricing = strongPricingFrom(parseConfig(reportConfigRaw, 'test'));
const byTag: UsageGroupBy = { dimension: 'tag', tag: 'f' };
const report = (rows: DecisionRecord[], groupBy: UsageGroupBy = byTag, top?: number) =>
  buildUsageReport(usageCells(rows, groupBy), { groupBy, pricing, ...(top === undefined ? {} : { top }) });

describe('groupByLabel', () => {
  it('names a column dimension by itself and a tag with its prefix', () => {
    expect(groupByLabel({ dimension: 'model' })).toBe('model');
    expect(groupByLabel({ dimension: 'day' })).toBe('day');
    expect(groupByLabel(byTag)).toBe('tag:f');
  });
});

describe('buildUsageReport by hand', () => {
  it('adds up cached tokens', () => {
    const rows = [usageRecord({ id: 'a', cachedTokens: 30 }), usageRecord({ id: 'b', cachedTokens: 12 })];
    expect(report(rows).upstream.cachedTokens).toBe(42);
  });

  it('gives no saving percentage when nothing had a price', () => {
    const free = usageRecord({ id: 'free', router: null, tier: null, costUsd: 0 });
    expect(report([free]).upstream).toMatchObject({ costUsd: 0, allStrongCostUsd: 0, savingUsd: 0, savingPct: null });
  });

  it('counts dry runs by router and tier, leaving pass-through dry runs out of the share', () => {
    const dry = (id: string, patch: Partial<DecisionRecord>) => usageRecord({ id, kind: 'route', promptTokens: null, completionTokens: null, costUsd: null, ...patch });
    const rows = [
      dry('strong', { tier: 'strong', modelAlias: 'big' }),
      dry('strong-again', { tier: 'strong', modelAlias: 'big' }),
      dry('weak', {}),
      dry('pass', { router: null, tier: null, modelAlias: 'big' }),
      dry('pass-strong', { router: null, tier: 'strong', modelAlias: 'big' }),
    ];
    expect(report(rows).dryRuns).toStrictEqual({ requests: 5, routedRequests: 3, strongRequests: 2, strongShare: 2 / 3 });
  });

  it('orders groups by tokens, then by cost, then by key', () => {
    const rows = [
      usageRecord({ id: '1', tags: { f: 'b-cheap' }, promptTokens: 100, completionTokens: 0, costUsd: 0.1 }),
      usageRecord({ id: '2', tags: { f: 'c-dear' }, promptTokens: 100, completionTokens: 0, costUsd: 0.9 }),
      usageRecord({ id: '3', tags: { f: 'z-tie' }, promptTokens: 50, completionTokens: 0, costUsd: 0.2 }),
      usageRecord({ id: '4', tags: { f: 'a-tie' }, promptTokens: 50, completionTokens: 0, costUsd: 0.2 }),
      usageRecord({ id: '5', tags: { f: 'm-tie' }, promptTokens: 50, completionTokens: 0, costUsd: 0.2 }),
    ];
    expect(report(rows).groups.map((group) => group.key)).toStrictEqual(['c-dear', 'b-cheap', 'a-tie', 'm-tie', 'z-tie']);
  });

  it('keeps every group when top is 0, as when it is not given', () => {
    const rows = ['x', 'y', 'z'].map((f, i) => usageRecord({ id: f, tags: { f }, promptTokens: 100 - i }));
    expect(report(rows, byTag, 0).groups.map((group) => group.key)).toStrictEqual(['x', 'y', 'z']);
    expect(report(rows, byTag, 0).otherGroups).toBeNull();
    expect(report(rows, byTag).groups).toHaveLength(3);
    expect(report(rows, byTag, 1).groups.map((group) => group.key)).toStrictEqual(['x']);
  });

  it('adds up only upstream calls in the groups past the cut, not their dry runs or rejections', () => {
    const rows = [
      usageRecord({ id: 'kept', tags: { f: 'big' }, promptTokens: 1000 }),
      usageRecord({ id: 'cut', tags: { f: 'small' }, promptTokens: 10, completionTokens: 0 }),
      usageRecord({ id: 'cut-dry', tags: { f: 'small' }, kind: 'route', promptTokens: null, completionTokens: null, costUsd: null }),
      usageRecord({ id: 'cut-rejected', tags: { f: 'small' }, reason: 'rejected', status: 400, router: null, tier: null, modelAlias: null, costUsd: null }),
    ];
    expect(report(rows, byTag, 1).otherGroups).toMatchObject({ groups: 1, requests: 1, promptTokens: 10, totalTokens: 10 });
  });
});
