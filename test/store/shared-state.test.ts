// The shared-state ports on both implementations: the spend-ledger and share-window conformance
// suites per process and on a real Postgres (test/support/postgres.ts: a fresh database per
// suite), plus what only the fleet's versions do: two instances (two pools) holding one limit under
// concurrent load, a crashed instance's reservations freed after the lease TTL, the fallback to a
// local ledger while the database is unreachable (a pool pointed at a closed port: a real refused
// connection) with its spend added to the fleet once it answers, and one instance's decisions
// counted in the other's share window.

import { createServer } from 'node:net';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPostgresMigrations, openPostgresPool } from '../../src/store/postgres/index.ts';
import { BudgetPacer } from '../../src/learning/budget/pacer.ts';
import { FallbackSpendLedger } from '../../src/store/shared-state/fallback-spend-ledger.ts';
import { LocalShareWindows } from '../../src/store/shared-state/local/share-window.ts';
import { LocalSpendLedger } from '../../src/store/shared-state/local/spend-ledger.ts';
import { PostgresShareWindows } from '../../src/store/shared-state/postgres/share-window.ts';
import { PostgresSpendLedger } from '../../src/store/shared-state/postgres/spend-ledger.ts';
import type { SpendOutcome } from '../../src/store/shared-state/spend-ledger.ts';
import { suiteDatabases } from '../support/postgres.ts';
import { describeShareWindowConformance } from './share-window.conformance.ts';
import { describeSpendLedgerConformance } from './spend-ledger.conformance.ts';

describeSpendLedgerConformance('local', { create: () => new LocalSpendLedger() });
describeShareWindowConformance('local', { create: () => new LocalShareWindows() });

const databases = suiteDatabases('shared');
const skip = databases.skip;
const pools: pg.Pool[] = [];
let url = '';

async function pool(): Promise<pg.Pool> {
  const p = openPostgresPool(url, { max: 8 });
  pools.push(p);
  return p;
}

beforeAll(async () => {
  if (skip !== null) return;
  url = await databases.create();
  const first = await pool();
  await applyPostgresMigrations(first);
});
afterAll(async () => {
  await Promise.all(pools.splice(0).map((p) => p.end()));
});

describeSpendLedgerConformance('postgres', { create: async () => new PostgresSpendLedger(await pool()), skip });
describeShareWindowConformance('postgres', { create: async () => new PostgresShareWindows(await pool()), skip });

const PERIOD = Date.UTC(2026, 5, 10);

/** A TCP port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.skipIf(skip !== null)('the fleet ledger across instances', () => {
  it('holds one limit for two instances reserving concurrently', async () => {
    const a = new PostgresSpendLedger(await pool());
    const b = new PostgresSpendLedger(await pool());
    const ask = () => ({ scope: 'key:two-instances', periodStart: PERIOD, amountUsd: 0.3, limitUsd: 12, seed: () => 0 });
    const outcomes = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? a : b).reserve(ask())));
    const granted = outcomes.filter((o): o is Extract<SpendOutcome, { granted: true }> => o.granted);
    expect(granted.length).toBe(40);
    await Promise.all(granted.map((o) => o.lease.settle(0.3)));
    await a.refresh();
    expect(a.totals('key:two-instances', PERIOD)?.spentUsd).toBeCloseTo(12, 9);
    expect(a.totals('key:two-instances', PERIOD)?.reservedUsd).toBe(0);
  });

  it('frees the reservations of an instance that stopped renewing them, after the lease TTL', async () => {
    const crashed = new PostgresSpendLedger(await pool(), { leaseTtlMs: 300 });
    const survivor = new PostgresSpendLedger(await pool(), { leaseTtlMs: 300 });
    const ask = { scope: 'router:crash', periodStart: PERIOD, amountUsd: 5, limitUsd: 10, seed: () => 0 };
    expect((await crashed.reserve(ask)).granted).toBe(true);
    expect((await crashed.reserve(ask)).granted).toBe(true);
    expect((await survivor.reserve(ask)).granted).toBe(false);
    // `crashed` never settles nor renews (no timer started); the survivor's refresh sweeps expired leases.
    await expect
      .poll(async () => {
        await survivor.refresh();
        return survivor.totals('router:crash', PERIOD)?.reservedUsd;
      }, { timeout: 10_000, interval: 200 })
      .toBe(0);
    expect((await survivor.reserve(ask)).granted).toBe(true);
  });

  it('keeps renewed leases: a live instance loses nothing to the sweep', async () => {
    const live = new PostgresSpendLedger(await pool(), { leaseTtlMs: 400 });
    const ask = { scope: 'router:renewed', periodStart: PERIOD, amountUsd: 4, limitUsd: 10, seed: () => 0 };
    const outcome = await live.reserve(ask);
    for (let i = 0; i < 6; i++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      await live.refresh(); // renews, then sweeps
    }
    expect(live.totals('router:renewed', PERIOD)?.reservedUsd).toBe(4);
    if (outcome.granted) await outcome.lease.settle(1);
    await live.refresh();
    expect(live.totals('router:renewed', PERIOD)).toEqual({ spentUsd: 1, reservedUsd: 0 });
  });

  it('falls back to a local ledger while the database is unreachable, never failing a reservation, and catches the fleet up after', async () => {
    const down = openPostgresPool(`postgres://triage@127.0.0.1:${await closedPort()}/none`, { max: 2, connectionTimeoutMs: 500 });
    pools.push(down);
    const states: string[] = [];
    const unreachable = new FallbackSpendLedger(new PostgresSpendLedger(down), { timeoutMs: 2000, onFallback: (state) => states.push(state) });
    const ask = { scope: 'key:outage', periodStart: PERIOD, amountUsd: 1, limitUsd: 3, seed: () => 0 };
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push(await unreachable.reserve(ask));
    expect(outcomes.map((o) => o.granted)).toEqual([true, true, true, false, false]);
    expect(states).toEqual(['local']);
    expect(unreachable.degraded).toBe(true);
    await unreachable.close();

    // Locally settled spend reaches the fleet's ledger once it answers.
    let now = 0;
    const shared = new PostgresSpendLedger(await pool());
    let failing = true;
    const flaky = {
      reserve: (request: Parameters<PostgresSpendLedger['reserve']>[0]) => (failing ? Promise.reject(new Error('connection refused')) : shared.reserve(request)),
      totals: (scope: string, start: number) => shared.totals(scope, start),
      refresh: () => shared.refresh(),
      close: () => shared.close(),
    };
    const ledger = new FallbackSpendLedger(flaky, { now: () => now, coolDownMs: 1000 });
    const local = await ledger.reserve({ ...ask, scope: 'key:catch-up' });
    expect(local.granted).toBe(true);
    failing = false;
    if (local.granted) await local.lease.settle(0.75); // the primary is still in cool-down: queued
    expect(ledger.backlogSize).toBe(1);
    now = 2000;
    await ledger.refresh();
    expect(ledger.backlogSize).toBe(0);
    expect(shared.totals('key:catch-up', PERIOD)).toEqual({ spentUsd: 0.75, reservedUsd: 0 });
  });
});

describe.skipIf(skip !== null)('budget pacers of two instances on the fleet ledger', () => {
  it("admit against one budget and pace on the fleet's spend, another instance's included", async () => {
    const now = () => PERIOD + 43_200_000; // half the day gone: the plan is half the budget
    const ledgerA = new PostgresSpendLedger(await pool());
    const pacer = (ledger: PostgresSpendLedger) => new BudgetPacer({ budgetUsd: 10, period: 'day', onExhausted: 'reject', scope: 'router:paced', ledger, now });
    const a = pacer(ledgerA);
    const b = pacer(new PostgresSpendLedger(await pool()));
    const first = await a.admit('strong', { strong: 4, weak: 1 });
    expect(first.kind === 'admitted' && first.tier).toBe('strong');
    // B has not reserved yet: it paces on its seed until its first answer shows the fleet's totals.
    const second = await b.admit('strong', { strong: 4, weak: 1 });
    expect(second.kind === 'admitted' && second.tier).toBe('strong');
    expect(b.reservedUsd).toBe(8);
    expect(b.threshold(0.4)).toBeGreaterThan(0.4); // 8 committed against a plan of 5: ahead
    const third = await a.admit('strong', { strong: 4, weak: 1 });
    expect(third.kind === 'admitted' && [third.tier, third.downgraded]).toEqual(['weak', true]); // 8 + 4 > 10, weak fits
    const refused = await b.admit('strong', { strong: 4, weak: 2 });
    expect(refused.kind).toBe('rejected'); // 9 reserved: neither fits
    for (const admission of [first, second, third]) if (admission.kind === 'admitted') admission.lease.settle(0.5);
    await expect
      .poll(async () => {
        await ledgerA.refresh();
        return a.spentUsd;
      })
      .toBeCloseTo(1.5, 9);
  });
});

describe.skipIf(skip !== null)('the fleet share window across instances', () => {
  it("counts another instance's decisions after a sync, and its own at once", async () => {
    const a = new PostgresShareWindows(await pool());
    const b = new PostgresShareWindows(await pool());
    const wa = a.open('fleet-router', 100);
    const wb = b.open('fleet-router', 100);
    for (let i = 0; i < 30; i++) wa.record(0.9, true);
    for (let i = 0; i < 10; i++) wb.record(0.1, false);
    expect([wa.view().count, wb.view().count]).toEqual([30, 10]);
    await a.sync();
    await b.sync();
    await a.sync();
    for (const view of [wa.view(), wb.view()]) expect([view.count, view.strong]).toEqual([40, 30]);
    await a.close();
    await b.close();
  });

  it('sends a backlog of decisions without waiting for the timer', async () => {
    // Neither is started, so no timer runs: only the backlog of 5 (syncEvery) can send a's decisions.
    const a = new PostgresShareWindows(await pool(), { syncEvery: 5 });
    const b = new PostgresShareWindows(await pool(), { syncEvery: 5 });
    const wa = a.open('backlog-router', 100);
    const wb = b.open('backlog-router', 100);
    for (let i = 0; i < 4; i++) wa.record(0.9, true);
    await b.sync();
    expect(wb.view().count).toBe(0); // 4 waiting: below the backlog, nothing sent yet
    wa.record(0.9, true);
    await expect
      .poll(async () => {
        await b.sync();
        return wb.view().count;
      })
      .toBe(5);
    await a.close();
    await b.close();
  });

  it('a sync asked for while one runs sends what was recorded after that one started', async () => {
    const a = new PostgresShareWindows(await pool(), { syncEvery: 1000 });
    const b = new PostgresShareWindows(await pool(), { syncEvery: 1000 });
    const wa = a.open('queued-router', 100);
    const wb = b.open('queued-router', 100);
    wa.record(0.2, false);
    const running = a.sync(); // takes the one decision
    wa.record(0.8, true); // recorded after the running sync took its batch
    const next = a.sync();
    expect(next).not.toBe(running);
    await next;
    await b.sync();
    expect([wb.view().count, wb.view().strong]).toEqual([2, 1]);
    await a.close();
    await b.close();
  });
});

describe('the fleet share window while the database is unreachable', () => {
  it('waits for the timer after a failed sync instead of retrying on every decision', async () => {
    const unreachable = openPostgresPool(`postgres://triage@127.0.0.1:${await closedPort()}/triage`, { max: 2 });
    pools.push(unreachable);
    const errors: Error[] = [];
    // Not started, and a 60 s timer: only the backlog (every decision) can start a sync here.
    const windows = new PostgresShareWindows(unreachable, { syncEvery: 1, refreshMs: 60_000, onError: (error) => errors.push(error) });
    const window = windows.open('down-router', 100);
    for (let i = 0; i < 30; i++) {
      window.record(0.5, i % 2 === 0);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // The first decision's sync failed (refused at once); the 29 after it waited for the timer.
    expect(errors.length).toBe(1);
    expect(window.view().count).toBe(30); // still counted locally, as one gateway would
    await windows.close();
  });
});
