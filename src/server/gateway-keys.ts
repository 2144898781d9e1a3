// Who may call the gateway: keys from TRIAGE_API_KEYS (no limits) and keys from the key store
// (tags, spend limit per period, allowed models, admin flag), matched by the sha256 of the
// presented secret. With a local store (SQLite, memory) every request does one indexed lookup, so
// a key created or revoked by `triage keys` in another process takes effect at once. With a shared
// store (Postgres) a key found by hash is trusted for keyCacheMs, and every refresh of the key list
// (each refreshMs) drops a cached key that is now revoked or gone: a revocation reaches every
// instance within min(keyCacheMs, refreshMs) plus one read; a new key works at once (misses are not
// cached). When the store cannot be read, the last key list and cached keys stay in force.
// Spend limits are enforced with reservations in the spend ledger (this process's, or the fleet's):
// a request reserves its worst-case cost before its upstream call and settles the real cost at its
// end, so concurrent requests cannot overshoot the limit.

import { periodSpan } from '../learning/budget/period.ts';
import { hashSecret, keyIdOfHash, type GatewayKey, type KeyStore } from '../store/keys.ts';
import { LocalSpendLedger } from '../store/shared-state/local/spend-ledger.ts';
import type { SpendLedger } from '../store/shared-state/spend-ledger.ts';

/** The caller of one request. `key` is null for keys from the environment. */
export interface Caller {
  keyId: string;
  key: GatewayKey | null;
  /** May use admin endpoints: the environment's admin key, or a stored key with the admin flag. */
  admin: boolean;
}

export interface Lease {
  /** Replaces the reservation with the real cost (call once). */
  settle(costUsd: number): void;
}

export interface GatewayKeysOptions {
  /** How often the key list is re-read (default 1000 ms). */
  refreshMs?: number;
  now?: () => number;
  /** Where key spend is reserved (default: this process's own ledger). */
  spend?: SpendLedger;
  /** How long a key found by hash is trusted before the store is asked again (default 0: every request). */
  keyCacheMs?: number;
  /** Called when the key store cannot be read (the last view stays in force). */
  onError?: (error: Error) => void;
}

/** Most keys held in the lookup cache; the oldest goes first. */
const MAX_CACHED_KEYS = 10_000;

/** Raised when a presented key cannot be checked because the key store is unreachable and the key is not cached. */
export class KeyStoreUnavailableError extends Error {
  override readonly name = 'KeyStoreUnavailableError';
}

export class GatewayKeys {
  readonly #envHashes: ReadonlySet<string>;
  readonly #adminHash: string | undefined;
  #stored = new Map<string, GatewayKey>();
  #loadedAt = Number.NEGATIVE_INFINITY;
  #loading: Promise<void> | undefined;
  readonly #cache = new Map<string, { key: GatewayKey; at: number }>();
  readonly #refreshMs: number;
  readonly #now: () => number;
  readonly #spend: SpendLedger;
  readonly #keyCacheMs: number;

  constructor(
    envKeys: readonly string[],
    adminKey: string | undefined,
    private readonly store: KeyStore | undefined,
    private readonly options: GatewayKeysOptions = {},
  ) {
    this.#envHashes = new Set(envKeys.map(hashSecret));
    this.#adminHash = adminKey === undefined ? undefined : hashSecret(adminKey);
    this.#refreshMs = options.refreshMs ?? 1000;
    this.#now = options.now ?? Date.now;
    this.#spend = options.spend ?? new LocalSpendLedger();
    this.#keyCacheMs = options.keyCacheMs ?? 0;
  }

  /** Re-reads the stored keys when the cache is older than refreshMs (one read at a time). A failed read keeps the last list. */
  async refresh(force = false): Promise<void> {
    if (!this.store || (!force && this.#now() - this.#loadedAt < this.#refreshMs)) return;
    this.#loading ??= this.store
      .listKeys()
      .then((keys) => {
        const byId = new Map<string, GatewayKey>();
        for (const key of keys) byId.set(key.id, key);
        this.#stored = byId;
        this.#loadedAt = this.#now();
        // A cached key revoked (or deleted) elsewhere stops here.
        for (const [hash, entry] of this.#cache) {
          const listed = byId.get(entry.key.id);
          if (!listed || listed.revokedAt !== null) this.#cache.delete(hash);
        }
      })
      .catch((error: unknown) => {
        if (force && this.#loadedAt === Number.NEGATIVE_INFINITY) throw error;
        this.#loadedAt = this.#now(); // retry after refreshMs, not on every request
        this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
      })
      .finally(() => {
        this.#loading = undefined;
      });
    await this.#loading;
  }

  /** True when any key exists (environment or store, revoked ones aside): then /v1 needs a key. */
  get enabled(): boolean {
    if (this.#envHashes.size > 0 || this.#adminHash !== undefined) return true;
    for (const key of this.#stored.values()) if (key.revokedAt === null) return true;
    return false;
  }

  /** The caller for a presented secret, or null when it matches no live key. Throws KeyStoreUnavailableError when it cannot tell. */
  async authenticate(secret: string): Promise<Caller | null> {
    const hash = hashSecret(secret);
    const keyId = keyIdOfHash(hash);
    if (hash === this.#adminHash) return { keyId, key: null, admin: true };
    if (this.#envHashes.has(hash)) return { keyId, key: null, admin: false };
    if (!this.store) return null;
    const key = await this.#lookup(hash);
    if (!key || key.revokedAt !== null) return null;
    return { keyId, key, admin: key.admin };
  }

  async #lookup(hash: string): Promise<GatewayKey | undefined> {
    const cached = this.#cache.get(hash);
    if (cached && this.#now() - cached.at < this.#keyCacheMs) return cached.key;
    let key: GatewayKey | undefined;
    try {
      key = await this.store?.keyByHash(hash);
    } catch (error) {
      this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
      // Unreachable store: a key seen before (and not seen revoked since) stays good.
      if (cached) return cached.key;
      throw new KeyStoreUnavailableError('the key store cannot be reached to check this key; retry shortly');
    }
    if (this.#keyCacheMs > 0) {
      this.#cache.delete(hash);
      if (key && key.revokedAt === null) {
        if (this.#cache.size >= MAX_CACHED_KEYS) this.#cache.delete(this.#cache.keys().next().value ?? '');
        this.#cache.set(hash, { key, at: this.#now() });
      }
    }
    return key;
  }

  /** Reserves `worstUsd` against the caller's limit; null when it would go over (nothing is reserved then). */
  async reserve(caller: Caller, worstUsd: number): Promise<Lease | null> {
    const budget = caller.key?.budget;
    const store = this.store;
    if (!budget || !store) return { settle: () => undefined };
    const start = periodSpan(budget.period, this.#now()).start;
    const outcome = await this.#spend.reserve({
      scope: `key:${caller.keyId}`,
      periodStart: start,
      amountUsd: worstUsd,
      limitUsd: budget.usd,
      seed: () => store.spentSince(caller.keyId, start),
    });
    if (!outcome.granted) return null;
    return { settle: (costUsd) => void outcome.lease.settle(costUsd) };
  }

  /** The stored keys as last read (never a secret). */
  async list(): Promise<GatewayKey[]> {
    await this.refresh(true);
    return [...this.#stored.values()];
  }

  /** What is left of a caller's limit in the current period, as last seen (undefined without a limit). */
  remaining(caller: Caller): number | undefined {
    const budget = caller.key?.budget;
    if (!budget) return undefined;
    const totals = this.#spend.totals(`key:${caller.keyId}`, periodSpan(budget.period, this.#now()).start);
    return totals ? Math.max(0, budget.usd - totals.spentUsd - totals.reservedUsd) : budget.usd;
  }
}
