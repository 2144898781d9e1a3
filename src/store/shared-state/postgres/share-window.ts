// The fleet's share windows in Postgres. Each instance buffers its decisions and writes them as one
// batch (a row per batch, and a count per (score bin, tier)), then reads back the fleet's newest
// batches holding about `size` decisions, summed per bin: a bounded read (at most `size` batches, at
// most 1001 bins x 2 tiers back). Scores are kept to 1/1000. A sync runs on a short timer and also
// whenever `syncEvery` decisions (default: a fiftieth of the window) are waiting, one at a time
// (after a failed sync only the timer retries, so an outage is not a retry loop). A timer alone let
// fast traffic outrun it (800 requests in 2.8 s between two instances: about five syncs each, and
// the threshold, fixed between them, swung the fleet to 21-42% on a 30% target).
// The view is that fleet snapshot alone: every instance computes from the same window, its own
// decisions counting from the next sync like everyone else's (counting its own at once skews the
// window towards its own traffic; see scripts/sim-fleet-share.ts). Before the first snapshot the
// view is this instance's own decisions. When the database cannot be reached the last snapshot
// stays in use; once it is older than staleMs it is dropped and the window is this instance's own
// decisions again, which is what a single gateway does.

import { z } from 'zod';
import type { DecisionWindow, ShareWindows, WindowView } from '../share-window.ts';
import type { SqlClient } from './sql.ts';

export interface PostgresShareWindowsOptions {
  /** How often decisions are sent and the fleet's windows re-read (default 500 ms). */
  refreshMs?: number;
  /** A sync also starts once this many of a window's decisions wait to be sent (default: the window's size / 50, at least 1). */
  syncEvery?: number;
  /** A snapshot older than this is dropped (default 30 s). */
  staleMs?: number;
  /** Batches older than this (and outside every window) are deleted (default 10 minutes). */
  keepMs?: number;
  now?: () => number;
  onError?: (error: Error) => void;
}

/** Bins 0..1000 hold scores; FORCED holds decisions no score decided. */
const BINS = 1001;
const FORCED = -1;
/** Old batches are pruned on the first sync after this long. */
const PRUNE_EVERY_MS = 30_000;

const CountRow = z.object({ bin: z.number().int(), strong: z.boolean(), n: z.union([z.string(), z.number()]).transform(Number) });

const WRITE = `
WITH batch AS (INSERT INTO share_batches (router, decisions) VALUES ($1, $2) RETURNING id)
INSERT INTO share_counts (batch_id, bin, strong, n)
SELECT batch.id, u.bin, u.strong, u.n FROM batch, unnest($3::smallint[], $4::boolean[], $5::integer[]) AS u(bin, strong, n)`;

const READ = `
WITH newest AS (
  SELECT id, decisions FROM share_batches WHERE router = $1 ORDER BY id DESC LIMIT $2
), kept AS (
  SELECT id FROM (SELECT id, sum(decisions) OVER (ORDER BY id DESC) - decisions AS newer FROM newest) w WHERE newer < $2
)
SELECT c.bin::int AS bin, c.strong, sum(c.n) AS n FROM share_counts c JOIN kept ON kept.id = c.batch_id GROUP BY c.bin, c.strong`;

const PRUNE = `
DELETE FROM share_batches WHERE router = $1 AND created_at < now() - make_interval(secs => $2)
AND id < COALESCE((SELECT min(id) FROM (SELECT id FROM share_batches WHERE router = $1 ORDER BY id DESC LIMIT $3) w), 0)`;

function binOf(score: number | null): number {
  return score === null ? FORCED : Math.min(BINS - 1, Math.max(0, Math.round(score * (BINS - 1))));
}

function bump(bins: Float64Array, at: number, n: number): void {
  bins[at] = (bins[at] ?? 0) + n;
}

/** Decisions counted per (bin, tier). */
class Counts {
  readonly strong = new Float64Array(BINS + 1); // index bin + 1 (FORCED at 0)
  readonly weak = new Float64Array(BINS + 1);
  add(bin: number, strong: boolean, n: number): void {
    bump(strong ? this.strong : this.weak, bin + 1, n);
  }
}

interface Pending {
  bin: number;
  strong: boolean;
  sent: boolean;
}

class FleetWindow implements DecisionWindow {
  version = 0;
  private snapshot: Counts | null = null;
  private snapshotAt = Number.NEGATIVE_INFINITY;
  /** This instance's decisions not in the snapshot yet (newest last), at most `size`. */
  private pending: Pending[] = [];
  /** How many of `pending` are not sent yet. */
  private unsent = 0;
  private cachedView: WindowView | null = null;

  constructor(
    readonly routerName: string,
    readonly size: number,
    private readonly syncEvery: number,
    private readonly onBacklog: () => void,
  ) {}

  record(score: number | null, strong: boolean): void {
    this.pending.push({ bin: binOf(score), strong, sent: false });
    this.unsent += 1;
    if (this.pending.length > this.size) {
      const dropped = this.pending.shift() as Pending;
      if (!dropped.sent) this.unsent -= 1;
    }
    // With a snapshot the view is the snapshot alone: this decision counts from the next sync.
    if (!this.snapshot) this.touch();
    if (this.unsent >= this.syncEvery) this.onBacklog();
  }

  view(): WindowView {
    this.cachedView ??= this.build();
    return this.cachedView;
  }

  /** The decisions to send now (marked sent). */
  takeUnsent(): Pending[] {
    const unsent = this.pending.filter((p) => !p.sent);
    for (const p of unsent) p.sent = true;
    this.unsent = 0;
    return unsent;
  }

  /** A send failed: these go again next time (if still held). */
  unsend(batch: readonly Pending[]): void {
    for (const p of batch) p.sent = false;
    this.unsent = this.pending.filter((p) => !p.sent).length;
  }

  /** A fresh snapshot, read after every `sent` decision was written: those are in it now. */
  setSnapshot(counts: Counts, now: number): void {
    this.snapshot = counts;
    this.snapshotAt = now;
    this.pending = this.pending.filter((p) => !p.sent);
    this.touch();
  }

  dropStale(now: number, staleMs: number): void {
    if (this.snapshot && now - this.snapshotAt > staleMs) {
      this.snapshot = null;
      for (const p of this.pending) p.sent = false;
      this.unsent = this.pending.length;
      this.touch();
    }
  }

  private touch(): void {
    this.version += 1;
    this.cachedView = null;
  }

  private build(): WindowView {
    const strongBins = new Float64Array(BINS + 1);
    const weakBins = new Float64Array(BINS + 1);
    if (this.snapshot) {
      strongBins.set(this.snapshot.strong);
      weakBins.set(this.snapshot.weak);
    } else {
      for (const p of this.pending) bump(p.strong ? strongBins : weakBins, p.bin + 1, 1);
    }
    let count = 0;
    let strong = 0;
    for (let i = 0; i <= BINS; i++) {
      count += (strongBins[i] as number) + (weakBins[i] as number);
      strong += strongBins[i] as number;
    }
    const forcedStrong = strongBins[0] as number;
    const scored = count - forcedStrong - (weakBins[0] as number);
    return {
      count,
      strong,
      forcedStrong,
      scored,
      highest(k: number): number | undefined {
        if (!(k >= 1 && k <= scored)) return undefined;
        let seen = 0;
        for (let bin = BINS - 1; bin >= 0; bin--) {
          seen += (strongBins[bin + 1] as number) + (weakBins[bin + 1] as number);
          if (seen >= k) return bin / (BINS - 1);
        }
        return 0;
      },
    };
  }
}

export class PostgresShareWindows implements ShareWindows {
  private readonly windows = new Map<string, FleetWindow>();
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  /** The sync that starts when the running one ends (one, shared by every caller until then). */
  private queued: Promise<void> | undefined;
  private closed = false;
  /** After a failed sync, a backlog waits for the timer until then (no retry loop while the database is down). */
  private backoffUntil = Number.NEGATIVE_INFINITY;
  private prunedAt: number;
  private readonly now: () => number;

  constructor(
    private readonly sql: SqlClient,
    private readonly options: PostgresShareWindowsOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.prunedAt = this.now();
  }

  start(): this {
    this.timer ??= setInterval(() => void this.sync().catch(() => undefined), this.options.refreshMs ?? 500);
    this.timer.unref();
    return this;
  }

  open(routerName: string, size: number): DecisionWindow {
    let window = this.windows.get(routerName);
    if (!window) {
      const held = Math.max(1, Math.trunc(size));
      const syncEvery = Math.max(1, Math.trunc(this.options.syncEvery ?? held / 50));
      window = new FleetWindow(routerName, held, syncEvery, () => {
        if (!this.closed && !this.queued && this.now() >= this.backoffUntil) void this.sync().catch(() => undefined);
      });
      this.windows.set(routerName, window);
    }
    return window;
  }

  /**
   * Sends every decision recorded before this call and re-reads every window. One sync runs at a
   * time: a call during one gets the next, which starts when it ends.
   */
  sync(): Promise<void> {
    if (!this.syncing) {
      this.syncing = this.syncAll().finally(() => {
        this.syncing = undefined;
      });
      return this.syncing;
    }
    this.queued ??= this.syncing
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.sync();
      });
    return this.queued;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.queued?.catch(() => undefined);
    await this.syncing?.catch(() => undefined);
    // What is still pending is sent once more, so the fleet does not lose this instance's last decisions.
    await this.syncAll(false).catch(() => undefined);
  }

  private async syncAll(read = true): Promise<void> {
    const prune = read && this.now() - this.prunedAt >= PRUNE_EVERY_MS;
    if (prune) this.prunedAt = this.now();
    for (const window of this.windows.values()) {
      try {
        await this.syncOne(window, read, prune);
      } catch (error) {
        this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
        window.dropStale(this.now(), this.options.staleMs ?? 30_000);
        this.backoffUntil = this.now() + (this.options.refreshMs ?? 500);
      }
    }
  }

  private async syncOne(window: FleetWindow, read: boolean, prune: boolean): Promise<void> {
    const batch = window.takeUnsent();
    if (batch.length > 0) {
      const grouped = new Map<string, { bin: number; strong: boolean; n: number }>();
      for (const p of batch) {
        const key = `${p.bin}:${p.strong}`;
        const cell = grouped.get(key) ?? { bin: p.bin, strong: p.strong, n: 0 };
        cell.n += 1;
        grouped.set(key, cell);
      }
      const cells = [...grouped.values()];
      try {
        await this.sql.query(WRITE, [window.routerName, batch.length, cells.map((c) => c.bin), cells.map((c) => c.strong), cells.map((c) => c.n)]);
      } catch (error) {
        window.unsend(batch);
        throw error;
      }
    }
    if (!read) return;
    const { rows } = await this.sql.query(READ, [window.routerName, window.size]);
    const counts = new Counts();
    for (const raw of rows) {
      const row = CountRow.parse(raw);
      counts.add(row.bin, row.strong, row.n);
    }
    window.setSnapshot(counts, this.now());
    if (prune) await this.sql.query(PRUNE, [window.routerName, (this.options.keepMs ?? 600_000) / 1000, window.size]);
  }
}

/** The tables these windows need (appended to the Postgres migrations). */
export const SHARE_WINDOW_TABLES = `
CREATE TABLE share_batches (
  id BIGSERIAL PRIMARY KEY,
  router TEXT NOT NULL,
  decisions INTEGER NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX share_batches_router ON share_batches (router, id DESC);
CREATE TABLE share_counts (
  batch_id BIGINT NOT NULL REFERENCES share_batches (id) ON DELETE CASCADE,
  bin SMALLINT NOT NULL,
  strong BOOLEAN NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (batch_id, bin, strong)
);
`;
