// Retention: decisions older than `store.retentionDays` are deleted, with their outcomes, in small
// batches on a timer, off the request path. Both backends implement RetentionStore
// (pruneBefore: one batch per call); Pruner drives it. 0 days keeps every row (the default: the log
// is the learning loop's training data and the spend history, so nothing is deleted unless asked).
// Calibrations, shadow labels, keys, model versions and the audit trail are never pruned.

export interface PruneResult {
  decisions: number;
  outcomes: number;
}

export interface RetentionStore {
  /**
   * Deletes up to `batchSize` decisions created before `cutoff` (epoch ms), oldest first, and the
   * outcomes recorded for them, in one transaction. Fewer than batchSize deleted: nothing older is left.
   */
  pruneBefore(cutoff: number, batchSize: number): Promise<PruneResult>;
}

export function isRetentionStore(value: object): value is RetentionStore {
  return 'pruneBefore' in value && typeof value.pruneBefore === 'function';
}

export interface RetentionSettings {
  retentionDays: number;
  pruneIntervalMs: number;
  pruneBatchSize: number;
}

const DAY_MS = 86_400_000;
/** Most batches one run deletes, so one run never hogs the database (the next run continues). */
const MAX_BATCHES_PER_RUN = 100;

/** Deletes every decision older than the retention window, batch by batch; returns what it deleted. */
export async function pruneOnce(store: RetentionStore, settings: RetentionSettings, now = Date.now()): Promise<PruneResult & { done: boolean }> {
  const total: PruneResult = { decisions: 0, outcomes: 0 };
  if (settings.retentionDays <= 0) return { ...total, done: true };
  const cutoff = now - settings.retentionDays * DAY_MS;
  for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
    const result = await store.pruneBefore(cutoff, settings.pruneBatchSize);
    total.decisions += result.decisions;
    total.outcomes += result.outcomes;
    if (result.decisions < settings.pruneBatchSize) return { ...total, done: true };
    // Let requests run between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { ...total, done: false };
}

/** Runs pruneOnce every pruneIntervalMs (first run right away); unref'd, errors reported, never thrown. */
export class Pruner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly store: RetentionStore,
    private readonly settings: RetentionSettings,
    private readonly report: (event: { pruned?: PruneResult; error?: string }) => void,
  ) {}

  start(): void {
    if (this.settings.retentionDays <= 0 || this.timer) return;
    this.running = this.run();
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.run();
    }, this.settings.pruneIntervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async run(): Promise<void> {
    try {
      if (this.stopped) return;
      const result = await pruneOnce(this.store, this.settings);
      if (result.decisions > 0) this.report({ pruned: { decisions: result.decisions, outcomes: result.outcomes } });
    } catch (error) {
      this.report({ error: error instanceof Error ? error.message : String(error) });
    } finally {
      this.running = undefined;
    }
  }
}
