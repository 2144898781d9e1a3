// The shadow daily cap across a fleet: gateways sharing one Postgres reserve each judging job's
// worst case in the shared spend ledger, so together they never pass a router's maxUsdPerDay
// (one DailyCap per process would let two instances spend twice it). Two instances are two pools
// on one real Postgres database (test/support/postgres.ts). The runner test checks the wiring: a
// ShadowRunner given the fleet's ledger drops a job once the fleet has used the day's cap. Its
// model calls are a stand-in ModelCall (no upstream is needed to show where the cap is read).

import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { ModelCall } from '../../src/learning/model-call.ts';
import { DailyCap, type CapLease, type ShadowSpendCap } from '../../src/learning/shadow/daily-cap.ts';
import { LedgerDailyCap } from '../../src/learning/shadow/ledger-cap.ts';
import { ShadowRunner, type ShadowDropReason } from '../../src/learning/shadow/runner.ts';
import { MemoryDecisionStore } from '../../src/store/memory.ts';
import { applyPostgresMigrations, openPostgresPool } from '../../src/store/postgres/index.ts';
import { LocalSpendLedger } from '../../src/store/shared-state/local/spend-ledger.ts';
import { PostgresSpendLedger } from '../../src/store/shared-state/postgres/spend-ledger.ts';
import { suiteDatabases } from '../support/postgres.ts';
import { testConfig } from '../support/gateway.ts';

const DAY = 86_400_000;
const NOW = 20_000 * DAY + 3_600_000;

async function grantedOf(caps: ShadowSpendCap[], perCap: number, worstUsd: number): Promise<CapLease[]> {
  const attempts = caps.flatMap((cap) => Array.from({ length: perCap }, () => Promise.resolve(cap.reserve(worstUsd))));
  return (await Promise.all(attempts)).filter((lease): lease is CapLease => lease !== null);
}

const databases = suiteDatabases('shadowcap');
const pools: pg.Pool[] = [];
let url = '';

beforeAll(async () => {
  if (databases.skip !== null) return;
  url = await databases.create();
  const first = openPostgresPool(url, { max: 4 });
  pools.push(first);
  await applyPostgresMigrations(first);
});
afterAll(async () => {
  await Promise.all(pools.splice(0).map((p) => p.end()));
});

describe.skipIf(databases.skip !== null)(`the fleet's shadow cap on Postgres${databases.skip ? ` (skipped: ${databases.skip})` : ''}`, () => {
  it('lets two instances together reserve no more than the cap, where two per-process caps reserve twice it', async () => {
    const instances = [0, 1].map(() => {
      const pool = openPostgresPool(url, { max: 4 });
      pools.push(pool);
      return new LedgerDailyCap({ ledger: new PostgresSpendLedger(pool), router: 'r', maxUsdPerDay: 1, now: () => NOW, storedSpend: async () => 0.1 });
    });
    // 0.1 already stored today (the seed) + 3 × 0.3 = 1.0: three jobs fit, for the two instances together.
    const fleet = await grantedOf(instances, 10, 0.3);
    expect(fleet).toHaveLength(3);
    const perProcess = await grantedOf([new DailyCap(1, () => NOW, 0.1), new DailyCap(1, () => NOW, 0.1)], 10, 0.3);
    expect(perProcess).toHaveLength(6);
    // Settled below the reservations: the room comes back, for either instance.
    for (const lease of fleet) lease.settle(0.2);
    await expect.poll(async () => (await grantedOf(instances.slice(1), 1, 0.3)).length, { timeout: 5_000, interval: 50 }).toBe(1);
  });
});

describe('the shadow runner on a fleet ledger', () => {
  function runner(fleetSpend: LocalSpendLedger, dropped: ShadowDropReason[], store: MemoryDecisionStore): ShadowRunner {
    const raw = testConfig('http://127.0.0.1:9/v1');
    (raw['models'] as Record<string, unknown>)['judge'] = { provider: 'strongProvider', id: 'fake-judge', pricePerMTok: { input: 1, output: 1 } };
    (raw['routers'] as Record<string, unknown>)['shadowed'] = {
      strong: 'strong', weak: 'weak', scorer: 'random', seed: 7, threshold: 1,
      shadow: { sampleRate: 1, judge: 'judge', maxUsdPerDay: 0.01, concurrency: 1, queueSize: 4 },
    };
    const call: ModelCall = {
      complete: async (alias) => ({ ok: true, text: alias === 'judge' ? '[[A]]' : 'an answer', modelId: alias, promptTokens: 1, completionTokens: 1, costUsd: 0 }),
    };
    return new ShadowRunner({ config: parseConfig(raw, 'test'), store, call, now: () => NOW, fleetSpend, events: { dropped: (_router, reason) => dropped.push(reason) } });
  }
  const job = (id: string) => ({
    decisionId: id, routerName: 'shadowed', promptHash: 'h', servedTier: 'weak' as const,
    conversation: [{ role: 'user' as const, content: 'hi' }], maxTokens: 10, temperature: null, answer: () => 'served answer',
  });

  it('judges while the fleet has room today, and drops the job once another instance used the cap', async () => {
    const ledger = new LocalSpendLedger();
    const store = new MemoryDecisionStore();
    const dropped: ShadowDropReason[] = [];
    const shadow = runner(ledger, dropped, store);
    await shadow.start();
    shadow.offer(job('d1'));
    await shadow.idle();
    expect(dropped).toEqual([]);
    expect(await store.shadowLabels({ router: 'shadowed' })).toHaveLength(1);
    // Another instance on the same ledger reserves what is left of today's cap.
    const other = new LedgerDailyCap({ ledger, router: 'shadowed', maxUsdPerDay: 0.01, now: () => NOW, storedSpend: async () => 0 });
    expect(await other.reserve(0.01 - 1e-9)).not.toBeNull();
    shadow.offer(job('d2'));
    await shadow.idle();
    expect(dropped).toEqual(['daily_cap']);
    await shadow.stop();
  });
});
