// GatewayKeys as a fleet instance sees them (a shared key store: lookups trusted for keyCacheMs),
// on a controlled clock, over the real memory store: a new key works at once (misses are never
// cached), a key revoked by another process stops within the key-list refresh even while its cache
// entry is fresh, and stops at the latest when the entry expires. An unreachable store cannot be
// produced with the memory store, so `outage` wraps it and throws while set (said here, as the
// rules ask): cached keys stay valid, an unseen key is a KeyStoreUnavailableError (503 upstream of
// this), and a failed list refresh keeps the last list.

import { describe, expect, it } from 'vitest';
import { GatewayKeys, KeyStoreUnavailableError } from '../../src/server/gateway-keys.ts';
import type { KeyStore } from '../../src/store/keys.ts';
import { MemoryDecisionStore } from '../../src/store/memory.ts';

function flakyStore(inner: MemoryDecisionStore): { store: KeyStore; outage: { on: boolean }; lookups: () => number } {
  const outage = { on: false };
  let lookups = 0;
  const down = () => Promise.reject(new Error('connection refused'));
  const store: KeyStore = {
    createKey: (input, now) => inner.createKey(input, now),
    listKeys: () => (outage.on ? down() : inner.listKeys()),
    keyByHash: (hash) => {
      lookups += 1;
      return outage.on ? down() : inner.keyByHash(hash);
    },
    revokeKey: (id, now) => inner.revokeKey(id, now),
    spentSince: (keyId, since) => inner.spentSince(keyId, since),
  };
  return { store, outage, lookups: () => lookups };
}

describe('GatewayKeys with a shared key store', () => {
  it('trusts a looked-up key for keyCacheMs, never caches a miss, and drops a key the refreshed list shows revoked', async () => {
    let now = 1_000_000;
    const inner = new MemoryDecisionStore();
    const { store, lookups } = flakyStore(inner);
    const keys = new GatewayKeys([], undefined, store, { keyCacheMs: 1000, refreshMs: 1000, now: () => now });
    await keys.refresh(true);
    const { key, secret } = await inner.createKey({ name: 'a' });
    expect((await keys.authenticate(secret))?.keyId).toBe(key.id); // created after the last list read: works at once
    expect(await keys.authenticate('tk_unknown')).toBeNull();
    expect(await keys.authenticate('tk_unknown')).toBeNull();
    const before = lookups();
    expect((await keys.authenticate(secret))?.keyId).toBe(key.id);
    expect(lookups()).toBe(before); // cached
    await inner.revokeKey(key.id);
    now += 500; // cache entry still fresh, list not due
    expect(await keys.authenticate(secret)).not.toBeNull();
    now += 500; // the list is due: the refresh drops the revoked key from the cache
    await keys.refresh();
    expect(await keys.authenticate(secret)).toBeNull();
  });

  it('stops a revoked key when its cache entry expires, even without a list refresh', async () => {
    let now = 0;
    const inner = new MemoryDecisionStore();
    const keys = new GatewayKeys([], undefined, inner, { keyCacheMs: 1000, refreshMs: 60_000, now: () => now });
    const { key, secret } = await inner.createKey({ name: 'b' });
    expect(await keys.authenticate(secret)).not.toBeNull();
    await inner.revokeKey(key.id);
    now = 999;
    expect(await keys.authenticate(secret)).not.toBeNull();
    now = 1000;
    expect(await keys.authenticate(secret)).toBeNull();
  });

  it('keeps cached keys and the last list while the store is unreachable, and refuses unseen keys with KeyStoreUnavailableError', async () => {
    let now = 0;
    const inner = new MemoryDecisionStore();
    const { store, outage } = flakyStore(inner);
    const errors: string[] = [];
    const keys = new GatewayKeys([], undefined, store, { keyCacheMs: 1000, now: () => now, onError: (e) => errors.push(e.message) });
    const seen = await inner.createKey({ name: 'seen' });
    const unseen = await inner.createKey({ name: 'unseen' });
    await keys.refresh(true);
    expect(await keys.authenticate(seen.secret)).not.toBeNull();
    outage.on = true;
    now = 5000; // cache entry expired: the store is asked, fails, the entry stands
    expect((await keys.authenticate(seen.secret))?.keyId).toBe(seen.key.id);
    await expect(keys.authenticate(unseen.secret)).rejects.toBeInstanceOf(KeyStoreUnavailableError);
    await keys.refresh();
    expect(keys.enabled).toBe(true); // the last list is kept
    expect(errors.length).toBeGreaterThan(0);
  });

  it('asks the store on every request with keyCacheMs 0 (the SQLite default): a revocation stops the next request', async () => {
    const inner = new MemoryDecisionStore();
    const keys = new GatewayKeys([], undefined, inner);
    const { key, secret } = await inner.createKey({ name: 'c' });
    expect(await keys.authenticate(secret)).not.toBeNull();
    await inner.revokeKey(key.id);
    expect(await keys.authenticate(secret)).toBeNull();
  });
});
