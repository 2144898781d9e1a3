// The fleet's spend ledger in Postgres: one row per (scope, period) with spent and reserved USD,
// and one row per open reservation (lease) naming the instance that holds it. A reservation is a
// single statement: a conditional UPDATE (spent + reserved + amount <= limit) that, when it
// matches, also inserts the lease; Postgres serialises concurrent UPDATEs of one row and re-checks
// the condition on the newest version, so N replicas cannot overshoot. Settling deletes the lease
// and moves its amount from reserved to spent in one statement. Each instance renews its leases on
// a timer; a lease not renewed for leaseTtlMs (its instance crashed) is swept and its amount freed.
// A settle that fails (database unreachable) is retried on each refresh until it lands.
// Amounts are NUMERIC, so sums are exact.

import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { countableUsd, type SpendLease, type SpendLedger, type SpendOutcome, type SpendRequest, type SpendTotals } from '../spend-ledger.ts';
import type { SqlClient } from './sql.ts';

export interface PostgresSpendLedgerOptions {
  /** This instance's name on its leases (default: a random id). */
  holder?: string;
  /** A lease not renewed for this long is freed (default 60 s). */
  leaseTtlMs?: number;
  /** How often leases are renewed, expired ones swept and known totals re-read (default 1 s). */
  refreshMs?: number;
  onError?: (error: Error) => void;
}

const Numeric = z.union([z.string(), z.number()]).transform(Number);
const TotalsRow = z.object({ spent_usd: Numeric, reserved_usd: Numeric, version: Numeric });
const ReserveRow = TotalsRow.extend({ granted: z.boolean() });
const KnownRow = TotalsRow.extend({ scope: z.string(), period_start: z.union([z.string(), z.number()]).transform(Number) });

const RESERVE = `
WITH up AS (
  UPDATE spend_ledger SET reserved_usd = reserved_usd + $3::numeric, version = version + 1, updated_at = now()
  WHERE scope = $1 AND period_start = $2 AND ($4::numeric IS NULL OR spent_usd + reserved_usd + $3::numeric <= $4::numeric)
  RETURNING spent_usd, reserved_usd, version
), lease AS (
  INSERT INTO spend_leases (id, scope, period_start, amount_usd, holder, expires_at)
  SELECT $5, $1, $2, $3::numeric, $6, now() + make_interval(secs => $7) FROM up
)
SELECT true AS granted, spent_usd, reserved_usd, version FROM up
UNION ALL
SELECT false AS granted, spent_usd, reserved_usd, version FROM spend_ledger
WHERE scope = $1 AND period_start = $2 AND NOT EXISTS (SELECT 1 FROM up)`;

const SEED = `INSERT INTO spend_ledger (scope, period_start, spent_usd) VALUES ($1, $2, $3::numeric) ON CONFLICT (scope, period_start) DO NOTHING`;

const SETTLE = `
WITH gone AS (DELETE FROM spend_leases WHERE id = $1 RETURNING amount_usd)
UPDATE spend_ledger SET reserved_usd = reserved_usd - COALESCE((SELECT amount_usd FROM gone), 0), spent_usd = spent_usd + $4::numeric, version = version + 1, updated_at = now()
WHERE scope = $2 AND period_start = $3
RETURNING spent_usd, reserved_usd, version`;

const RENEW = `UPDATE spend_leases SET expires_at = now() + make_interval(secs => $2) WHERE holder = $1`;

const SWEEP = `
WITH gone AS (DELETE FROM spend_leases WHERE expires_at < now() RETURNING scope, period_start, amount_usd),
freed AS (SELECT scope, period_start, sum(amount_usd) AS amount_usd FROM gone GROUP BY scope, period_start)
UPDATE spend_ledger l SET reserved_usd = l.reserved_usd - freed.amount_usd, version = l.version + 1, updated_at = now()
FROM freed WHERE l.scope = freed.scope AND l.period_start = freed.period_start`;

const KNOWN = `
SELECT scope, period_start, spent_usd, reserved_usd, version FROM spend_ledger
WHERE (scope, period_start) IN (SELECT * FROM unnest($1::text[], $2::bigint[]))`;

/** Most failed settles kept for retry; beyond it the oldest is given up (its cost stays in the log). */
const MAX_UNSETTLED = 10_000;

/** Most (scope, period) pairs whose totals an instance keeps and re-reads; the least recently used goes first. */
const MAX_KNOWN = 1000;

function totalsOf(row: { spent_usd: number; reserved_usd: number }): SpendTotals {
  return { spentUsd: row.spent_usd, reservedUsd: row.reserved_usd };
}

export class PostgresSpendLedger implements SpendLedger {
  readonly holder: string;
  private readonly ttlSeconds: number;
  /** Totals last seen per (scope, period), with the row version they were read at (answers can arrive out of order). */
  private readonly known = new Map<string, { scope: string; periodStart: number; totals: SpendTotals; version: number }>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Leases this instance holds open (renewed only while there are some). */
  private open = 0;
  private failing = false;
  /** Settles that failed, retried in order on refresh. */
  private unsettled: (() => Promise<void>)[] = [];

  constructor(
    private readonly sql: SqlClient,
    private readonly options: PostgresSpendLedgerOptions = {},
  ) {
    this.holder = options.holder ?? `instance-${randomUUID()}`;
    this.ttlSeconds = (options.leaseTtlMs ?? 60_000) / 1000;
  }

  /** Starts renewing leases, sweeping expired ones and re-reading known totals. */
  start(): this {
    const tick = async (): Promise<void> => {
      try {
        await this.refresh();
        this.failing = false;
      } catch (error) {
        // Once per outage, not every tick.
        if (!this.failing) this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
        this.failing = true;
      }
    };
    this.timer ??= setInterval(() => void tick(), this.options.refreshMs ?? 1000);
    this.timer.unref();
    return this;
  }

  async reserve(request: SpendRequest): Promise<SpendOutcome> {
    const first = await this.tryReserve(request);
    if (first) return first;
    // The fleet has not met this (scope, period) yet: seed it from the log (the first instance wins), then reserve.
    await this.sql.query(SEED, [request.scope, request.periodStart, String(countableUsd(await request.seed()))]);
    const second = await this.tryReserve(request);
    if (!second) throw new Error(`spend ledger row for ${request.scope} vanished while reserving`);
    return second;
  }

  private async tryReserve(request: SpendRequest): Promise<SpendOutcome | undefined> {
    const id = randomUUID();
    const limit = request.limitUsd === null ? null : String(request.limitUsd);
    const { rows } = await this.sql.query(RESERVE, [request.scope, request.periodStart, String(request.amountUsd), limit, id, this.holder, this.ttlSeconds]);
    const row = rows[0] === undefined ? undefined : ReserveRow.parse(rows[0]);
    if (!row) return undefined;
    const totals = totalsOf(row);
    this.remember(request.scope, request.periodStart, row);
    if (!row.granted) return { granted: false, totals };
    return { granted: true, totals, lease: this.lease(id, request) };
  }

  private lease(id: string, request: SpendRequest): SpendLease {
    let open = true;
    this.open += 1;
    return {
      amountUsd: request.amountUsd,
      settle: async (actualUsd) => {
        if (!open) return;
        open = false;
        this.open -= 1;
        const settle = async (): Promise<void> => {
          const { rows } = await this.sql.query(SETTLE, [id, request.scope, request.periodStart, String(countableUsd(actualUsd))]);
          if (rows[0] !== undefined) this.remember(request.scope, request.periodStart, TotalsRow.parse(rows[0]));
        };
        try {
          await settle();
        } catch (error) {
          // Retried on the next refresh (bounded); never rejects. Meanwhile the lease expires after its TTL.
          this.unsettled.push(settle);
          if (this.unsettled.length > MAX_UNSETTLED) this.unsettled.shift();
          this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
        }
      },
    };
  }

  totals(scope: string, periodStart: number): SpendTotals | undefined {
    return this.known.get(`${scope}\u0000${periodStart}`)?.totals;
  }

  async refresh(): Promise<void> {
    if (this.closed) return;
    while (this.unsettled.length > 0) {
      await (this.unsettled[0] as () => Promise<void>)();
      this.unsettled.shift();
    }
    if (this.open > 0) await this.sql.query(RENEW, [this.holder, this.ttlSeconds]);
    await this.sql.query(SWEEP);
    if (this.known.size === 0) return;
    const entries = [...this.known.values()];
    const { rows } = await this.sql.query(KNOWN, [entries.map((e) => e.scope), entries.map((e) => e.periodStart)]);
    for (const raw of rows) {
      const row = KnownRow.parse(raw);
      const entry = this.known.get(`${row.scope}\u0000${row.period_start}`);
      if (entry && row.version >= entry.version) Object.assign(entry, { totals: totalsOf(row), version: row.version });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private remember(scope: string, periodStart: number, row: z.infer<typeof TotalsRow>): void {
    const key = `${scope}\u0000${periodStart}`;
    const held = this.known.get(key);
    this.known.delete(key);
    const newer = !held || row.version >= held.version;
    this.known.set(key, newer ? { scope, periodStart, totals: totalsOf(row), version: row.version } : held);
    if (this.known.size > MAX_KNOWN) this.known.delete(this.known.keys().next().value ?? '');
  }
}

/** The tables this ledger needs (appended to the Postgres migrations). */
export const SPEND_LEDGER_TABLES = `
CREATE TABLE spend_ledger (
  scope TEXT NOT NULL,
  period_start BIGINT NOT NULL,
  spent_usd NUMERIC NOT NULL DEFAULT 0,
  reserved_usd NUMERIC NOT NULL DEFAULT 0,
  version BIGINT NOT NULL DEFAULT 0,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, period_start)
);
CREATE TABLE spend_leases (
  id UUID PRIMARY KEY,
  scope TEXT NOT NULL,
  period_start BIGINT NOT NULL,
  amount_usd NUMERIC NOT NULL,
  holder TEXT NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX spend_leases_expiry ON spend_leases (expires_at);
CREATE INDEX spend_leases_holder ON spend_leases (holder);
`;
