// /healthz's database probe: reachable on a SQLite file and on a real Postgres; "unreachable"
// within its time bound when the server accepts the TCP connection but never answers (a real
// silent loopback socket, not a mock), and /healthz then answers degraded instead of hanging (the
// gateway's keys are kept in memory here, so it can start without that database); unreachable
// when the connection is refused; and one round trip shared by concurrent checks.

import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabaseProbe, PROBE_TIMEOUT_MS } from '../../src/server/database-probe.ts';
import { openPostgresPool, openPostgresStore, PostgresDecisionStore } from '../../src/store/postgres/index.ts';
import { MemoryDecisionStore } from '../../src/store/memory.ts';
import { parseConfig } from '../../src/config/load.ts';
import { createLogger } from '../../src/config/logger.ts';
import { startGateway } from '../../src/server/start.ts';
import { testConfig } from '../support/gateway.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { suiteDatabases } from '../support/postgres.ts';

const databases = suiteDatabases('probe');

describe('database probe', () => {
  let silent: Server;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('answers reachable for a SQLite file, and unreachable once the store is closed', async () => {
    const store = openSqliteStore(':memory:');
    expect(await createDatabaseProbe(store)?.check()).toMatchObject({ backend: 'sqlite', reachable: true, error: null });
    await store.close();
    expect(await createDatabaseProbe(store)?.check()).toMatchObject({ backend: 'sqlite', reachable: false, error: 'decision store is closed' });
  });

  it('has no probe for a store without a database', () => {
    expect(createDatabaseProbe(new MemoryDecisionStore())).toBeUndefined();
  });

  it('answers unreachable within its time bound when the server never answers', async () => {
    const port = (silent.address() as AddressInfo).port;
    const store = new PostgresDecisionStore(openPostgresPool(`postgres://u@127.0.0.1:${port}/x`, { connectionTimeoutMs: 1_500 }), { closeTimeoutMs: 10 });
    const probe = createDatabaseProbe(store);
    const result = await probe?.check();
    expect(result).toMatchObject({ backend: 'postgres', reachable: false, error: `no answer within ${PROBE_TIMEOUT_MS} ms` });
    await store.close().catch(() => {});
  });

  it('makes /healthz answer degraded, without hanging, when the database never answers', async () => {
    const port = (silent.address() as AddressInfo).port;
    const store = new PostgresDecisionStore(openPostgresPool(`postgres://u@127.0.0.1:${port}/x`, { connectionTimeoutMs: 1_500 }), { closeTimeoutMs: 10 });
    const gateway = await startGateway({
      config: parseConfig(testConfig('http://127.0.0.1:1/v1'), 'test'), env: {}, store, keyStore: new MemoryDecisionStore(), log: createLogger('silent'), host: '127.0.0.1', port: 0,
    });
    try {
      const response = await fetch(`${gateway.url}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        status: 'degraded', database: { backend: 'postgres', reachable: false, error: `no answer within ${PROBE_TIMEOUT_MS} ms` },
      });
    } finally {
      await gateway.close().catch(() => {});
    }
  });

  it('answers unreachable when the connection is refused', async () => {
    const store = new PostgresDecisionStore(openPostgresPool('postgres://u@127.0.0.1:1/x'), { closeTimeoutMs: 10 });
    const result = await createDatabaseProbe(store)?.check();
    expect(result?.reachable).toBe(false);
    expect(result?.error).toMatch(/ECONNREFUSED/);
    await store.close().catch(() => {});
  });

  it.skipIf(databases.skip !== null)('answers reachable on a real server and shares one check between concurrent callers', async () => {
    const store = await openPostgresStore(await databases.create());
    try {
      let pings = 0;
      const ping = store.ping.bind(store);
      Object.defineProperty(store, 'ping', { value: () => { pings += 1; return ping(); } });
      const probe = createDatabaseProbe(store);
      const results = await Promise.all([probe?.check(), probe?.check(), probe?.check()]);
      expect(results.map((r) => r?.reachable)).toEqual([true, true, true]);
      expect(pings).toBe(1);
    } finally {
      await store.close();
    }
  });
});
