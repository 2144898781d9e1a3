// The `store:` config block: kind defaults to sqlite (so configs written before Postgres keep
// working), postgres takes the URL only from the environment variable urlEnv names (a URL in the
// file is refused; an unset variable is a clear start-up error), and --db FILE overrides either.

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { sqliteStoreAt } from '../../src/config/store-schema.ts';
import { openStore, postgresUrl, StoreConfigError } from '../../src/store/registry.ts';
import { testConfig } from '../support/gateway.ts';

const withStore = (store: unknown) => parseConfig(testConfig('http://127.0.0.1:1/v1', 'http://127.0.0.1:1/v1', { store }), 'test');

describe('store config', () => {
  it('defaults to SQLite at triage.db, with or without kind', () => {
    expect(parseConfig(testConfig('http://127.0.0.1:1/v1'), 'test').store).toEqual({
      kind: 'sqlite', path: 'triage.db', busyTimeoutMs: 0, flushIntervalMs: 200, batchSize: 256, retentionDays: 0, pruneIntervalMs: 600_000, pruneBatchSize: 1_000,
    });
    expect(withStore({ path: 'log/x.db', batchSize: 64 }).store).toMatchObject({ kind: 'sqlite', path: 'log/x.db', batchSize: 64 });
    expect(withStore({ kind: 'sqlite', path: 'y.db' }).store).toMatchObject({ kind: 'sqlite', path: 'y.db' });
  });

  it('takes postgres with the URL variable named by urlEnv (TRIAGE_DATABASE_URL by default)', () => {
    expect(withStore({ kind: 'postgres' }).store).toMatchObject({ kind: 'postgres', urlEnv: 'TRIAGE_DATABASE_URL', poolSize: 10, refreshIntervalMs: 2_000 });
    expect(withStore({ kind: 'postgres', urlEnv: 'PG_URL', retentionDays: 90 }).store).toMatchObject({ urlEnv: 'PG_URL', retentionDays: 90 });
  });

  it('refuses a URL in the file, a SQLite key on postgres, an unknown kind and a bad variable name', () => {
    expect(() => withStore({ kind: 'postgres', url: 'postgres://u:p@h/db' })).toThrow(/url/);
    expect(() => withStore({ kind: 'postgres', path: 'x.db' })).toThrow(/path/);
    expect(() => withStore({ kind: 'mysql' })).toThrow(/kind/);
    expect(() => withStore({ kind: 'postgres', urlEnv: 'not a name' })).toThrow(/environment variable/);
    expect(() => withStore({ retentionDays: -1 })).toThrow(/retentionDays/);
  });

  it('reads the URL from the environment only, and says which variable is missing', async () => {
    expect(postgresUrl('PG_URL', { PG_URL: ' postgres://u@h/db ' })).toBe('postgres://u@h/db');
    expect(() => postgresUrl('PG_URL', {})).toThrow(StoreConfigError);
    expect(() => postgresUrl('PG_URL', { PG_URL: '' })).toThrow(/PG_URL is not set/);
    const config = withStore({ kind: 'postgres', urlEnv: 'PG_URL' });
    await expect(openStore(config.store, { env: {} })).rejects.toThrow(/PG_URL is not set/);
  });

  it('lets --db FILE override a postgres store with a SQLite file, keeping the shared settings', () => {
    const config = withStore({ kind: 'postgres', batchSize: 32, retentionDays: 7 });
    expect(sqliteStoreAt('other.db', config.store)).toMatchObject({ kind: 'sqlite', path: 'other.db', batchSize: 32, retentionDays: 7, busyTimeoutMs: 0 });
  });
});
