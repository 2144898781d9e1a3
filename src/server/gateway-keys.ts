// Who may call the gateway: keys from TRIAGE_API_KEYS (no limits) and keys from the key store
// (tags, spend limit per period, allowed models, admin flag), matched by the sha256 of the
// presented secret with one indexed lookup per request, so a key created or revoked by `triage keys`
// in another process takes effect at once. Whether auth is on at all (any live key) is re-read
// every refreshMs. Spend limits are
// enforced with reservations: a request reserves its worst-case cost before its upstream call and
// settles the real cost at its end, so concurrent requests cannot overshoot the limit.

import { periodSpan } from '../learning/budget/period.ts';
import { hashSecret, keyIdOfHash, type GatewayKey, type KeyStore } from '../store/keys.ts';

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

interface Ledger {
  periodStart: number;
  spent: number;
  reserved: number;
}

export class GatewayKeys {
  readonly #envHashes: ReadonlySet<string>;
  readonly #adminHash: string | undefined;
  #stored = new Map<string, GatewayKey>();
  #loadedAt = Number.NEGATIVE_INFINITY;
  #loading: Promise<void> | undefined;
  readonly #ledgers = new Map<string, Ledger>();

  constructor(
    envKeys: readonly string[],
    adminKey: string | undefined,
    private readonly store: KeyStore | undefined,
    private readonly refreshMs = 1000,
    private readonly now: () => number = Date.now,
  ) {
    this.#envHashes = new Set(envKeys.map(hashSecret));
    this.#adminHash = adminKey === undefined ? undefined : hashSecret(adminKey);
  }

  /** Re-reads the stored keys when the cache is older than refreshMs (one read at a time). */
  async refresh(force = false): Promise<void> {
    if (!this.store || (!force && this.now() - this.#loadedAt < this.refreshMs)) return;
    this.#loading ??= this.store
      .listKeys()
      .then((keys) => {
        const byHashId = new Map<string, GatewayKey>();
        for (const key of keys) byHashId.set(key.id, key);
        this.#stored = byHashId;
        this.#loadedAt = this.now();
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

  /** The caller for a presented secret, or null when it matches no live key. */
  async authenticate(secret: string): Promise<Caller | null> {
    const hash = hashSecret(secret);
    const keyId = keyIdOfHash(hash);
    if (hash === this.#adminHash) return { keyId, key: null, admin: true };
    if (this.#envHashes.has(hash)) return { keyId, key: null, admin: false };
    // One indexed lookup by the full hash: a new key works at once, a revoked one stops at once.
    const key = this.store ? await this.store.keyByHash(hash) : undefined;
    if (!key || key.revokedAt !== null) return null;
    return { keyId, key, admin: key.admin };
  }

  /** Reserves `worstUsd` against the caller's limit; null when it would go over (nothing is reserved then). */
  async reserve(caller: Caller, worstUsd: number): Promise<Lease | null> {
    const budget = caller.key?.budget;
    if (!budget || !this.store) return { settle: () => undefined };
    const start = periodSpan(budget.period, this.now()).start;
    let ledger = this.#ledgers.get(caller.keyId);
    if (!ledger || ledger.periodStart !== start) {
      const spent = await this.store.spentSince(caller.keyId, start);
      // Another request may have created the ledger while this one read the log.
      ledger = this.#ledgers.get(caller.keyId);
      if (!ledger || ledger.periodStart !== start) {
        ledger = { periodStart: start, spent, reserved: 0 };
        this.#ledgers.set(caller.keyId, ledger);
      }
    }
    if (ledger.spent + ledger.reserved + worstUsd > budget.usd) return null;
    ledger.reserved += worstUsd;
    const held = ledger;
    let settled = false;
    return {
      settle: (costUsd) => {
        if (settled) return;
        settled = true;
        held.reserved -= worstUsd;
        if (Number.isFinite(costUsd) && costUsd > 0) held.spent += costUsd;
      },
    };
  }

  /** The stored keys as last read (never a secret). */
  async list(): Promise<GatewayKey[]> {
    await this.refresh(true);
    return [...this.#stored.values()];
  }

  /** What is left of a caller's limit in the current period (undefined without a limit). */
  remaining(caller: Caller): number | undefined {
    const budget = caller.key?.budget;
    if (!budget) return undefined;
    const ledger = this.#ledgers.get(caller.keyId);
    return ledger ? Math.max(0, budget.usd - ledger.spent - ledger.reserved) : budget.usd;
  }
}
