// The KeyStore conformance suite: every store that holds gateway keys runs it with a factory that
// returns a fresh, empty store. Covers creation (secret shown once, only its hash kept), lookup by
// hash, listing, revocation, and spend under a key added up from the decision log.

import { afterEach, expect, it } from 'vitest';
import { describeSuite, type ConformanceOptions } from '../support/conformance.ts';
import { hashSecret, keyIdOfHash, type KeyStore } from '../../src/store/keys.ts';
import type { DecisionStore } from '../../src/store/store.ts';
import { makeDecision } from './fixtures/decision.ts';

type KeyStoreUnderTest = KeyStore & DecisionStore;

export function describeKeyStoreConformance(name: string, options: ConformanceOptions<KeyStoreUnderTest>): void {
  describeSuite('KeyStore', name, options.skip, () => {
    const opened: DecisionStore[] = [];
    const open = async () => {
      const store = await options.create();
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    it('creates a key, returns its secret once, and finds it by the hash of the secret', async () => {
      const store = await open();
      const { key, secret } = await store.createKey({ name: 'search', tags: { team: 'search' }, budget: { usd: 50, period: 'month' }, models: ['triage'], admin: false }, 1000);
      expect(secret).toMatch(/^tk_[A-Za-z0-9_-]{43}$/);
      expect(key).toStrictEqual({
        id: keyIdOfHash(hashSecret(secret)), name: 'search', createdAt: 1000, revokedAt: null, tags: { team: 'search' },
        budget: { usd: 50, period: 'month' }, models: ['triage'], admin: false,
      });
      expect(await store.keyByHash(hashSecret(secret))).toStrictEqual(key);
      expect(await store.keyByHash(hashSecret('tk_wrong'))).toBeUndefined();
      expect(JSON.stringify(await store.listKeys())).not.toContain(secret);
    });

    it('lists keys oldest first with defaults, and revokes once', async () => {
      const store = await open();
      const first = (await store.createKey({ name: 'a' }, 10)).key;
      const second = (await store.createKey({ name: 'b', admin: true }, 20)).key;
      expect((await store.listKeys()).map((k) => [k.name, k.admin, k.budget, k.models, k.tags])).toStrictEqual([
        ['a', false, null, null, {}],
        ['b', true, null, null, {}],
      ]);
      expect(await store.revokeKey(first.id, 30)).toBe(true);
      expect(await store.revokeKey(first.id, 40)).toBe(true);
      expect(await store.revokeKey('key_nope', 50)).toBe(false);
      const listed = await store.listKeys();
      expect(listed.map((k) => k.revokedAt)).toStrictEqual([30, null]);
      expect(listed[1]?.id).toBe(second.id);
    });

    it('adds up the spend of a key since a time, from the decision log', async () => {
      const store = await open();
      store.log(makeDecision({ id: 'a', keyId: 'key_x', createdAt: 100, costUsd: 1.5 }));
      store.log(makeDecision({ id: 'b', keyId: 'key_x', createdAt: 200, costUsd: 2 }));
      store.log(makeDecision({ id: 'c', keyId: 'key_y', createdAt: 200, costUsd: 7 }));
      store.log(makeDecision({ id: 'd', keyId: 'key_x', createdAt: 300, costUsd: null }));
      expect(await store.spentSince('key_x', 0)).toBeCloseTo(3.5, 12);
      expect(await store.spentSince('key_x', 150)).toBeCloseTo(2, 12);
      expect(await store.spentSince('key_none', 0)).toBe(0);
    });
  });
}
