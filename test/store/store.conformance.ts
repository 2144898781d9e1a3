// The DecisionStore conformance suite: every implementation's test file calls
// describeDecisionStoreConformance(name, { create, skip }) with a factory of fresh, empty stores. Covers field round trips, ordering, filters, costByTag,
// usageBreakdown, outcomes, close/flush semantics and many rows.

import { afterEach, expect, it } from 'vitest';
import { describeSuite, type ConformanceOptions } from '../support/conformance.ts';
import type { DecisionRecord, DecisionStore, UsageCell } from '../../src/store/store.ts';
import { makeBareDecision, makeDecision } from './fixtures/decision.ts';

/** Cells in a fixed order, so two stores' answers compare whatever order they come in. */
const sortedCells = (cells: UsageCell[]): UsageCell[] =>
  [...cells].sort((a, b) => {
    const ka = JSON.stringify([a.key, a.requestClass, a.router, a.modelAlias, a.tier]);
    const kb = JSON.stringify([b.key, b.requestClass, b.router, b.modelAlias, b.tier]);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });

const cell = (fields: Partial<UsageCell>): UsageCell => ({
  key: '', requestClass: 'upstream', router: 'default', modelAlias: 'strong', tier: 'strong', requests: 1,
  promptTokens: 0, cachedTokens: 0, completionTokens: 0, costUsd: 0, ...fields,
});

const recordFields: (keyof DecisionRecord)[] = Object.keys(makeDecision()) as (keyof DecisionRecord)[];

export function describeDecisionStoreConformance(name: string, options: ConformanceOptions<DecisionStore>): void {
  describeSuite('DecisionStore', name, options.skip, () => {
    const opened: DecisionStore[] = [];
    const open = async (): Promise<DecisionStore> => {
      const store = await options.create();
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    it('round-trips every field of a fully filled record', async () => {
      const store = await open();
      const record = makeDecision();
      expect(recordFields).toHaveLength(33);
      store.log(record);
      expect(await store.get(record.id)).toStrictEqual(record);
    });

    it('round-trips nulls, false booleans, empty tags and odd tag keys', async () => {
      const store = await open();
      const bare = makeBareDecision({ id: 'bare' });
      const odd = makeDecision({ id: 'odd', tags: { 'a.b': 'dot', 'q"k': 'quote', 'ünï': '✓ ok', '': 'empty-key' } });
      store.log(bare);
      store.log(odd);
      expect(await store.get('bare')).toStrictEqual(bare);
      expect(await store.get('odd')).toStrictEqual(odd);
      expect(await store.get('missing')).toBeUndefined();
    });

    it('keeps a snapshot of the logged record', async () => {
      const store = await open();
      const record = makeDecision({ tags: { team: 'a' } });
      store.log(record);
      record.tags['team'] = 'changed';
      record.status = 599;
      const stored = await store.get(record.id);
      expect(stored?.tags).toStrictEqual({ team: 'a' });
      expect(stored?.status).toBe(200);
    });

    it('keeps the last record when an id is logged twice', async () => {
      const store = await open();
      store.log(makeDecision({ id: 'x', status: 200 }));
      store.log(makeDecision({ id: 'x', status: 500 }));
      const rows = await store.decisions();
      expect(rows.map((row) => [row.id, row.status])).toStrictEqual([['x', 500]]);
    });

    it('returns rows newest first, ties by most recently logged', async () => {
      const store = await open();
      for (const [id, createdAt] of [['a', 10], ['b', 30], ['c', 20], ['d', 30]] as const) {
        store.log(makeDecision({ id, createdAt }));
      }
      expect((await store.decisions()).map((row) => row.id)).toStrictEqual(['d', 'b', 'c', 'a']);
    });

    it('filters by since (inclusive), until (exclusive), router and limit', async () => {
      const store = await open();
      store.log(makeDecision({ id: 'a', createdAt: 100, router: 'r1' }));
      store.log(makeDecision({ id: 'b', createdAt: 200, router: 'r2' }));
      store.log(makeDecision({ id: 'c', createdAt: 300, router: 'r1' }));
      store.log(makeBareDecision({ id: 'p', createdAt: 250 }));
      const ids = async (query: Parameters<DecisionStore['decisions']>[0]) =>
        (await store.decisions(query)).map((row) => row.id);
      expect(await ids({ since: 200 })).toStrictEqual(['c', 'p', 'b']);
      expect(await ids({ until: 250 })).toStrictEqual(['b', 'a']);
      expect(await ids({ since: 200, until: 300 })).toStrictEqual(['p', 'b']);
      expect(await ids({ router: 'r1' })).toStrictEqual(['c', 'a']);
      expect(await ids({ router: 'r1', since: 101 })).toStrictEqual(['c']);
      expect(await ids({ limit: 2 })).toStrictEqual(['c', 'p']);
      expect(await ids({ limit: 0 })).toStrictEqual([]);
      await expect(store.decisions({ limit: -1 })).rejects.toThrow(/limit/);
      await expect(store.decisions({ limit: 1.5 })).rejects.toThrow(/limit/);
    });

    it('sums requests, tokens and cost per tag value, untagged rows under ""', async () => {
      const store = await open();
      store.log(makeDecision({ id: '1', tags: { team: 'a' }, promptTokens: 10, completionTokens: 1, costUsd: 0.5 }));
      store.log(makeDecision({ id: '2', tags: { team: 'a', x: 'y' }, promptTokens: 20, completionTokens: 2, costUsd: 0.25 }));
      store.log(makeDecision({ id: '3', tags: { team: 'b' }, promptTokens: 5, completionTokens: 5, costUsd: 2 }));
      store.log(makeBareDecision({ id: '4' }));
      store.log(makeDecision({ id: '5', tags: { other: 'z' }, promptTokens: 1, completionTokens: 1, costUsd: 0.1 }));
      const rows = await store.costByTag('team');
      expect(rows.map((row) => row.key)).toStrictEqual(['b', 'a', '']);
      const [b, a, none] = rows;
      expect(b).toStrictEqual({ key: 'b', requests: 1, promptTokens: 5, completionTokens: 5, costUsd: 2 });
      expect(a).toMatchObject({ key: 'a', requests: 2, promptTokens: 30, completionTokens: 3 });
      expect(a?.costUsd).toBeCloseTo(0.75, 12);
      expect(none).toMatchObject({ key: '', requests: 2, promptTokens: 1, completionTokens: 1 });
      expect(none?.costUsd).toBeCloseTo(0.1, 12);
      expect(await store.costByTag('team', { limit: 1 })).toHaveLength(1);
      expect(await store.costByTag('nobody-uses-this')).toStrictEqual([
        expect.objectContaining({ key: '', requests: 5, promptTokens: 36 }),
      ]);
    });

    it('applies the query to costByTag and handles odd tag keys', async () => {
      const store = await open();
      store.log(makeDecision({ id: '1', createdAt: 1, router: 'r1', tags: { 'a.b': 'x', 'q"k': 'y' }, costUsd: 1 }));
      store.log(makeDecision({ id: '2', createdAt: 2, router: 'r2', tags: { 'a.b': 'x' }, costUsd: 3 }));
      expect(await store.costByTag('a.b', { router: 'r1' })).toStrictEqual([
        { key: 'x', requests: 1, promptTokens: 120, completionTokens: 48, costUsd: 1 },
      ]);
      expect((await store.costByTag('q"k')).map((row) => [row.key, row.requests])).toStrictEqual([['', 1], ['y', 1]]);
      expect(await store.costByTag('a.b', { since: 3 })).toStrictEqual([]);
    });

    it('splits usage into upstream calls, dry runs and rejections, per router, model and tier', async () => {
      const store = await open();
      const usage = { promptTokens: 100, cachedTokens: 10, completionTokens: 20, costUsd: 0.5 };
      store.log(makeDecision({ id: 'c1', tags: { team: 'a' }, ...usage }));
      store.log(makeDecision({ id: 'c2', tags: { team: 'a' }, ...usage, costUsd: 0.25 }));
      store.log(makeDecision({ id: 'c3', tags: { team: 'a' }, tier: 'weak', modelAlias: 'weak', ...usage }));
      store.log(makeDecision({ id: 'p1', tags: { team: 'b' }, router: null, tier: null, modelAlias: 'weak', ...usage }));
      store.log(makeDecision({ id: 'r1', kind: 'route', tags: { team: 'a' }, ...usage }));
      store.log(makeBareDecision({ id: 'x1', kind: 'chat', reason: 'rejected', status: 400 }));
      store.log(makeBareDecision({ id: 'x2', kind: 'route', reason: 'rejected', status: 400 }));
      const cells = sortedCells(await store.usageBreakdown({ dimension: 'tag', tag: 'team' }));
      const summed = { ...usage, cachedTokens: 10 };
      expect(cells).toStrictEqual(sortedCells([
        cell({ key: 'a', requests: 2, promptTokens: 200, cachedTokens: 20, completionTokens: 40, costUsd: 0.75 }),
        cell({ key: 'a', tier: 'weak', modelAlias: 'weak', ...summed }),
        cell({ key: 'b', router: null, tier: null, modelAlias: 'weak', ...summed }),
        cell({ key: 'a', requestClass: 'dry-run', ...summed }),
        cell({ key: '', requestClass: 'rejected', router: null, modelAlias: null, tier: null, requests: 2 }),
      ]));
    });

    it('groups usage by mode, task type, router, model and UTC day; empty values under ""', async () => {
      const store = await open();
      const lastMsOfDay = Date.UTC(2026, 10, 30, 23, 59, 59, 999);
      store.log(makeDecision({ id: '1', createdAt: lastMsOfDay, mode: 'plan', taskType: 'code', costUsd: 1 }));
      store.log(makeDecision({ id: '2', createdAt: lastMsOfDay + 1, mode: null, taskType: null, router: null, tier: null, modelAlias: null, costUsd: 2 }));
      const keys = async (dimension: 'mode' | 'task' | 'router' | 'model' | 'day') =>
        (await store.usageBreakdown({ dimension })).map((c) => [c.key, c.costUsd]).sort((a, b) => Number(a[1]) - Number(b[1]));
      expect(await keys('mode')).toStrictEqual([['plan', 1], ['', 2]]);
      expect(await keys('task')).toStrictEqual([['code', 1], ['', 2]]);
      expect(await keys('router')).toStrictEqual([['default', 1], ['', 2]]);
      expect(await keys('model')).toStrictEqual([['strong', 1], ['', 2]]);
      expect(await keys('day')).toStrictEqual([['2026-11-30', 1], ['2026-12-01', 2]]);
    });

    it('clamps cached tokens to prompt tokens per row, counts nulls as 0 and applies the query', async () => {
      const store = await open();
      store.log(makeDecision({ id: '1', createdAt: 10, router: 'r1', tags: { 'a.b': 'x' }, promptTokens: 5, cachedTokens: 50, completionTokens: 1, costUsd: 1 }));
      store.log(makeDecision({ id: '2', createdAt: 20, router: 'r1', tags: { 'a.b': 'x' }, promptTokens: 7, cachedTokens: 3, completionTokens: null, costUsd: null }));
      store.log(makeDecision({ id: '3', createdAt: 20, router: 'r1', tags: { 'a.b': 'x' }, promptTokens: null, cachedTokens: 9, completionTokens: 4, costUsd: 2 }));
      store.log(makeDecision({ id: '4', createdAt: 30, router: 'r2', tags: { 'a.b': 'x' }, costUsd: 4 }));
      const tag = { dimension: 'tag', tag: 'a.b' } as const;
      expect(await store.usageBreakdown(tag, { router: 'r1', limit: 0 })).toStrictEqual([
        cell({ key: 'x', router: 'r1', requests: 3, promptTokens: 12, cachedTokens: 8, completionTokens: 5, costUsd: 3 }),
      ]);
      expect((await store.usageBreakdown(tag, { since: 20, until: 30 })).map((c) => c.requests)).toStrictEqual([2]);
      expect(await store.usageBreakdown(tag, { since: 31 })).toStrictEqual([]);
    });

    it('records outcomes per decision, oldest first', async () => {
      const store = await open();
      store.log(makeDecision({ id: 'd1' }));
      await store.recordOutcome({ decisionId: 'd1', createdAt: 30, source: 'judge', rating: 0.2, label: 'bad' });
      await store.recordOutcome({ decisionId: 'd1', createdAt: 10, source: 'feedback', rating: 1, label: null });
      await store.recordOutcome({ decisionId: 'd2', createdAt: 20, source: 'feedback', rating: null, label: 'good' });
      await store.recordOutcome({ decisionId: 'not-logged', createdAt: 5, source: 'eval', rating: -1, label: 'x' });
      expect(await store.outcomes('d1')).toStrictEqual([
        { decisionId: 'd1', createdAt: 10, source: 'feedback', rating: 1, label: null },
        { decisionId: 'd1', createdAt: 30, source: 'judge', rating: 0.2, label: 'bad' },
      ]);
      expect(await store.outcomes('d2')).toStrictEqual([
        { decisionId: 'd2', createdAt: 20, source: 'feedback', rating: null, label: 'good' },
      ]);
      expect(await store.outcomes('not-logged')).toHaveLength(1);
      expect(await store.outcomes('nothing')).toStrictEqual([]);
    });

    it('keeps one outcome per decision and source: the newest replaces the earlier one', async () => {
      const store = await open();
      for (let i = 0; i < 200; i++) await store.recordOutcome({ decisionId: 'd1', createdAt: i, source: 'user', rating: i % 2, label: null });
      await store.recordOutcome({ decisionId: 'd1', createdAt: 500, source: 'app', rating: null, label: 'weak_ok' });
      expect(await store.outcomes('d1')).toStrictEqual([
        { decisionId: 'd1', createdAt: 199, source: 'user', rating: 1, label: null },
        { decisionId: 'd1', createdAt: 500, source: 'app', rating: null, label: 'weak_ok' },
      ]);
    });

    it('makes flush and close idempotent and refuses reads after close', async () => {
      const store = await open();
      expect(store.stats()).toStrictEqual({ pendingRows: 0, droppedRows: 0, writeFailures: 0 });
      store.log(makeDecision());
      await store.flush();
      await store.flush();
      expect(store.stats().pendingRows).toBe(0);
      await store.close();
      await store.close();
      await expect(store.flush()).resolves.toBeUndefined();
      expect(() => store.log(makeDecision({ id: 'late' }))).not.toThrow();
      expect(store.stats().droppedRows).toBe(1);
      await expect(store.decisions()).rejects.toThrow(/closed/);
      await expect(store.get('d-1')).rejects.toThrow(/closed/);
      await expect(store.recordOutcome({ decisionId: 'd-1', createdAt: 1, source: 's', rating: null, label: null }))
        .rejects.toThrow(/closed/);
    });

    it('stores many rows logged in a burst', async () => {
      const store = await open();
      const count = 5000;
      for (let i = 0; i < count; i += 1) {
        store.log(makeDecision({ id: `row-${i}`, createdAt: i, tags: { bucket: String(i % 3) }, costUsd: 1 }));
      }
      await store.flush();
      expect(store.stats()).toStrictEqual({ pendingRows: 0, droppedRows: 0, writeFailures: 0 });
      const rows = await store.decisions();
      expect(rows).toHaveLength(count);
      expect(rows[0]?.id).toBe(`row-${count - 1}`);
      expect(new Set(rows.map((row) => row.id)).size).toBe(count);
      const buckets = await store.costByTag('bucket');
      expect(buckets.map((row) => row.requests).reduce((sum, n) => sum + n, 0)).toBe(count);
      expect(buckets.map((row) => row.key).sort()).toStrictEqual(['0', '1', '2']);
    });
  });
}
