// A bounded in-memory queue that writes rows in batches off the hot path. push() only appends;
// a timer (unref'd) drains it every flushIntervalMs, or on the next tick once batchSize rows wait.
// A failed write keeps its rows at the head of the queue, is reported, and is retried on the next
// timer tick (not on every push, so a locked or full disk is not hammered). Overflow is counted.

export interface WriteQueueOptions<Row> {
  /** Writes one batch in one transaction; throws to signal that nothing was written. */
  writeBatch: (rows: Row[]) => void;
  flushIntervalMs: number;
  batchSize: number;
  maxQueue: number;
  onError: (error: Error, pendingRows: number) => void;
}

export class WriteQueue<Row> {
  private rows: Row[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private failing = false;
  private overflowing = false;
  private stopped = false;
  private lastError: Error | undefined;
  droppedRows = 0;
  writeFailures = 0;

  constructor(private readonly options: WriteQueueOptions<Row>) {}

  get pendingRows(): number {
    return this.rows.length;
  }

  /** Appends a row; returns false (and counts a drop) when the queue is full or stopped. */
  push(row: Row): boolean {
    if (this.stopped) {
      this.droppedRows += 1;
      return false;
    }
    if (this.rows.length >= this.options.maxQueue) {
      this.droppedRows += 1;
      if (!this.overflowing) {
        this.overflowing = true;
        this.report(new Error(`decision log queue full (${this.options.maxQueue} rows); dropping rows`));
      }
      return false;
    }
    this.rows.push(row);
    if (this.rows.length >= this.options.batchSize && !this.failing) this.scheduleSoon();
    else this.scheduleTimer();
    return true;
  }

  /** Writes every queued row now, batch by batch; throws the write error (rows stay queued). */
  flushAll(): void {
    this.clearSchedules();
    while (this.rows.length > 0) {
      if (!this.writeHead()) {
        this.scheduleTimer();
        throw this.lastError ?? new Error('decision log write failed');
      }
    }
  }

  /** Stops the timers; later pushes are dropped. Returns the rows that were still queued. */
  stop(): Row[] {
    this.stopped = true;
    this.clearSchedules();
    const left = this.rows;
    this.rows = [];
    return left;
  }

  /** Writes one batch from the head of the queue; false when the write failed. */
  private writeHead(): boolean {
    const batch = this.rows.slice(0, this.options.batchSize);
    try {
      this.options.writeBatch(batch);
    } catch (thrown) {
      this.failing = true;
      this.writeFailures += 1;
      this.lastError = thrown instanceof Error ? thrown : new Error(String(thrown));
      this.report(this.lastError);
      return false;
    }
    this.rows.splice(0, batch.length);
    this.failing = false;
    if (this.rows.length < this.options.maxQueue) this.overflowing = false;
    return true;
  }

  /** Timer / next-tick drain: one batch per turn of the event loop so requests keep flowing. */
  private drainStep = (): void => {
    this.timer = undefined;
    this.immediate = undefined;
    if (this.stopped || this.rows.length === 0) return;
    if (!this.writeHead()) this.scheduleTimer();
    else if (this.rows.length > 0) this.scheduleSoon();
  };

  private scheduleSoon(): void {
    if (this.immediate || this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.immediate = setImmediate(this.drainStep);
  }

  private scheduleTimer(): void {
    if (this.timer || this.immediate || this.stopped) return;
    this.timer = setTimeout(this.drainStep, this.options.flushIntervalMs);
    this.timer.unref();
  }

  private clearSchedules(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  private report(error: Error): void {
    try {
      this.options.onError(error, this.rows.length);
    } catch {
      // A throwing error handler must not take the gateway down.
    }
  }
}
