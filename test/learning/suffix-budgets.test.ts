// Model-name budgets ("triage@b500m") in the live thresholds, on a real SQLite log: a bounded
// number of live states (least recently used out, never one with requests in flight), a state
// re-created after eviction starts from the spend the log holds for that name, concurrent first
// requests share one state, a full set of busy states refuses a new name with a clear message, and
// target adherence reads a budget name.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { RouterConfig } from '../../src/config/types.ts';
import type { Admission } from '../../src/learning/budget/pacer.ts';
import { targetAdherence } from '../../src/learning/adherence.ts';
import { LiveThresholds } from '../../src/learning/live/live-thresholds.ts';
import { resolveTarget } from '../../src/routing/targets.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { makeDecision } from '../store/fixtures/decision.ts';
import { suiteTempDir } from '../support/temp-dir.ts';

const config = parseConfig(
  {
    providers: { p: { baseUrl: 'http://127.0.0.1:9/v1' } },
    models: { strong: { provider: 'p', id: 's', pricePerMTok: { input: 1_000_000, output: 1_000_000 } }, weak: { provider: 'p', id: 'w', pricePerMTok: { input: 1000, output: 1000 } } },
    routers: { default: { strong: 'strong', weak: 'weak', scorer: 'random', threshold: 0.5 } },
  },
  'test',
);
const prices = { strong: config.models['strong']!.pricePerMTok, weak: config.models['weak']!.pricePerMTok };
// About 10 prompt tokens plus max_tokens 1: worst case 11 tokens, i.e. $11 on the strong model.
const request = { model: 'triage', messages: [{ role: 'user' as const, content: 'twenty characters!!' }], max_tokens: 1 };

function routerOf(name: string): { routerName: string; router: RouterConfig } {
  const target = resolveTarget(config, name);
  if (target.kind !== 'router') throw new Error('not a router');
  return { routerName: target.name, router: target.router };
}

function admitted(admission: Admission | null): Extract<Admission, { kind: 'admitted' }> {
  if (admission?.kind !== 'admitted') throw new Error(`not admitted: ${JSON.stringify(admission)}`);
  return admission;
}

describe('model-name budgets', () => {
  const dir = suiteTempDir('triage-suffix-budgets-');

  it('holds a bounded set of states and re-seeds an evicted one from the log', async () => {
    const store = openSqliteStore(join(dir.path, 'a.db'));
    const live = new LiveThresholds({ config, learning: store, maxSuffixBudgets: 2 });
    await live.start(store);
    try {
      const reserve = (name: string) => live.reserve({ ...routerOf(name), tier: 'strong', request, prices });
      const first = admitted(await reserve('triage@b100m'));
      expect(first.tier).toBe('strong');
      first.lease.settle(7);
      // The request's row reaches the log with its cost, as the gateway writes it.
      store.log(makeDecision({ id: 'x1', router: 'default@b100m', kind: 'chat', createdAt: Date.now(), costUsd: 7, tier: 'strong' }));
      admitted(await reserve('triage@b200m')).lease.settle(0);
      expect(live.suffixBudgets.size).toBe(2);
      // A third name evicts the least recently used idle one (b100m), never growing past the bound.
      admitted(await reserve('triage@b300m')).lease.settle(0);
      expect(live.suffixBudgets.size).toBe(2);
      expect(live.pacerFor('default@b100m')).toBeUndefined();
      // Back again: the new state starts from the $7 the log holds for that name this month.
      const again = admitted(await reserve('triage@b100m'));
      expect(live.pacerFor('default@b100m')?.spentUsd).toBe(7);
      again.lease.settle(0);
    } finally {
      live.stop();
      await store.close();
    }
  });

  it('never evicts a state with requests in flight; concurrent first requests share one state', async () => {
    const store = openSqliteStore(join(dir.path, 'b.db'));
    const live = new LiveThresholds({ config, learning: store, maxSuffixBudgets: 2 });
    await live.start(store);
    try {
      const reserve = (name: string) => live.reserve({ ...routerOf(name), tier: 'strong', request, prices });
      // $30 a day holds two $11 worst cases; the third concurrent request cannot fit strong and goes weak.
      const burst = await Promise.all([reserve('triage@b30d'), reserve('triage@b30d'), reserve('triage@b30d')]);
      expect(burst.map((a) => admitted(a).tier)).toEqual(['strong', 'strong', 'weak']);
      expect(live.suffixBudgets.size).toBe(1);
      const held = admitted(await reserve('triage@b40d'));
      // Both states have reservations in flight: a new name is refused, not allowed to grow the set.
      const refused = await reserve('triage@b50d');
      expect(refused).toMatchObject({ kind: 'rejected' });
      expect(refused?.kind === 'rejected' && refused.message).toMatch(/at most 2 model-name budgets at once/);
      held.lease.settle(1);
      // Once one is idle it can go.
      admitted(await reserve('triage@b50d'));
      expect(live.suffixBudgets.size).toBe(2);
      expect(live.pacerFor('default@b40d')).toBeUndefined();
      for (const a of burst) admitted(a).lease.settle(0);
    } finally {
      live.stop();
      await store.close();
    }
  });

  it('raises the threshold of a budget name that runs ahead of plan', async () => {
    const store = openSqliteStore(join(dir.path, 'c.db'));
    const live = new LiveThresholds({ config, learning: store });
    // Past the cap whatever the day of the month: $1500 of a $1000/month budget already spent under that name.
    store.log(makeDecision({ id: 'y1', router: 'default@b1000m', kind: 'chat', createdAt: Date.now(), costUsd: 1500, tier: 'strong' }));
    await live.start(store);
    try {
      const { routerName, router } = routerOf('triage@b1000m');
      expect(live.current(routerName, router)).toMatchObject({ threshold: 0.5, source: 'config' });
      admitted(await live.reserve({ routerName, router, tier: 'weak', request, prices })).lease.settle(0);
      const reading = live.current(routerName, router);
      expect(reading.source).toBe('budget-pacer');
      expect(reading.threshold).toBe(1);
    } finally {
      live.stop();
      await store.close();
    }
  });

  it('target adherence reports a budget name against its own cap and plan', () => {
    const now = Date.UTC(2026, 11, 11, 12); // 10.5 days into a 31-day December
    const rows = [
      makeDecision({ id: 'a', router: 'default@b20m', kind: 'chat', createdAt: now - 1000, costUsd: 3, tier: 'strong', reason: 'score>=threshold' }),
      makeDecision({ id: 'b', router: 'default@b20m', kind: 'chat', createdAt: now - 2000, costUsd: 1, tier: 'weak', reason: 'score<threshold' }),
      makeDecision({ id: 'c', router: 'default@b20y', kind: 'chat', createdAt: now - 2000, costUsd: 1, tier: 'weak', reason: 'score<threshold' }),
    ];
    const adherence = targetAdherence(rows, config, { now });
    expect(adherence).toHaveLength(1); // a malformed name never got served, and is not a target
    expect(adherence[0]).toMatchObject({ router: 'default@b20m', target: 'budget $20/month (weak at cap)', requests: 2, spentUsd: 4, budgetUsd: 20, liveShare: 0.5 });
    expect(adherence[0]?.planUsd).toBeCloseTo(20 * (10.5 / 31), 9);
  });
});
