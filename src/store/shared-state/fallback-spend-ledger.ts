// A spend ledger that never fails a request because the shared one failed. Each reservation goes
// to the primary (the fleet's ledger) with a time limit; when it fails or times out, and for
// `coolDownMs` after, reservations go to a ledger of this process instead, seeded with the fleet's
// totals as this instance last saw them (spent + reserved), else with the log's spend, else zero.
// What such a lease settles is also added to the primary (an uncapped zero reservation settled at
// the real cost) as soon as it answers again, retried on refresh, so the fleet's spend catches up.
// A primary reservation that answers after its time limit is settled at zero at once (never leaked).
// The overshoot this allows during an outage is bounded: each instance holds the limit against the
// fleet's spend it last saw plus its own since, so the fleet can go over by at most (instances - 1)
// times the room that was left when the database became unreachable.

import { LocalSpendLedger } from './local/spend-ledger.ts';
import { countableUsd, type SpendLedger, type SpendOutcome, type SpendRequest, type SpendTotals } from './spend-ledger.ts';

export interface FallbackSpendLedgerOptions {
  /** Longest a reservation waits for the primary (default 1000 ms). */
  timeoutMs?: number;
  /** After a failure, how long reservations go straight to the local ledger (default 2000 ms). */
  coolDownMs?: number;
  /** Most settled costs waiting to reach the primary; beyond it the oldest are dropped (default 10 000). */
  maxBacklog?: number;
  now?: () => number;
  /** Called when the primary fails and this instance falls back (once per outage), and when it is back. */
  onFallback?: (state: 'local' | 'shared', error?: Error) => void;
}

interface Backlog {
  request: SpendRequest;
  usd: number;
}

export class FallbackSpendLedger implements SpendLedger {
  private readonly local = new LocalSpendLedger();
  private downUntil = Number.NEGATIVE_INFINITY;
  private falling = false;
  private backlog: Backlog[] = [];
  private readonly now: () => number;

  constructor(
    private readonly primary: SpendLedger,
    private readonly options: FallbackSpendLedgerOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** True while reservations go to this process's own ledger. */
  get degraded(): boolean {
    return this.now() < this.downUntil;
  }

  get backlogSize(): number {
    return this.backlog.length;
  }

  async reserve(request: SpendRequest): Promise<SpendOutcome> {
    if (!this.degraded) {
      try {
        const outcome = await this.timed(this.primary.reserve(request));
        if (this.falling) {
          this.falling = false;
          this.options.onFallback?.('shared');
        }
        return outcome;
      } catch (error) {
        this.fellBack(error);
      }
    }
    return this.reserveLocally(request);
  }

  totals(scope: string, periodStart: number): SpendTotals | undefined {
    return this.degraded ? (this.local.totals(scope, periodStart) ?? this.primary.totals(scope, periodStart)) : (this.primary.totals(scope, periodStart) ?? this.local.totals(scope, periodStart));
  }

  async refresh(): Promise<void> {
    await this.drain();
    await this.primary.refresh();
  }

  async close(): Promise<void> {
    await this.drain().catch(() => undefined);
    await this.primary.close();
  }

  private async reserveLocally(request: SpendRequest): Promise<SpendOutcome> {
    const seen = this.primary.totals(request.scope, request.periodStart);
    const outcome = await this.local.reserve({
      ...request,
      seed: async () => {
        if (seen) return seen.spentUsd + seen.reservedUsd;
        try {
          return await request.seed();
        } catch {
          return 0;
        }
      },
    });
    if (!outcome.granted) return outcome;
    const lease = outcome.lease;
    return {
      ...outcome,
      lease: {
        amountUsd: lease.amountUsd,
        settle: async (actualUsd) => {
          await lease.settle(actualUsd);
          const usd = countableUsd(actualUsd);
          if (usd > 0) this.queue({ request, usd });
          await this.drain().catch(() => undefined);
        },
      },
    };
  }

  private queue(item: Backlog): void {
    this.backlog.push(item);
    const max = this.options.maxBacklog ?? 10_000;
    if (this.backlog.length > max) this.backlog.splice(0, this.backlog.length - max);
  }

  /** Adds locally settled costs to the primary while it answers. */
  private async drain(): Promise<void> {
    while (this.backlog.length > 0 && !this.degraded) {
      const item = this.backlog[0] as Backlog;
      try {
        const outcome = await this.timed(this.primary.reserve({ ...item.request, amountUsd: 0, limitUsd: null }));
        if (outcome.granted) await outcome.lease.settle(item.usd);
        this.backlog.shift();
      } catch (error) {
        this.fellBack(error);
        return;
      }
    }
  }

  private timed(pending: Promise<SpendOutcome>): Promise<SpendOutcome> {
    const ms = this.options.timeoutMs ?? 1000;
    let timer: NodeJS.Timeout | undefined;
    let late = false;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        late = true;
        reject(new Error(`the shared spend ledger did not answer within ${ms} ms`));
      }, ms);
      timer.unref();
    });
    // A reservation that arrives after its time limit is given back at once.
    void pending.then(
      (outcome) => {
        if (late && outcome.granted) void outcome.lease.settle(0);
      },
      () => undefined,
    );
    return Promise.race([pending, timeout]).finally(() => clearTimeout(timer));
  }

  private fellBack(error: unknown): void {
    this.downUntil = this.now() + (this.options.coolDownMs ?? 2000);
    if (!this.falling) {
      this.falling = true;
      this.options.onFallback?.('local', error instanceof Error ? error : new Error(String(error)));
    }
  }
}
