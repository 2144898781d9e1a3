// The asynchronous twin of sqlite/write-queue.ts, for a database reached over the network: a
// bounded in-memory queue drained in batches (one multi-row INSERT each) off the hot path. push()
// only appends; an unref'd timer drains it every flushIntervalMs, or on the next tick once
// batchSize rows wait. At most one batch is in flight. A failed write keeps its rows at the head of
// the queue, is reported, and is retried on the next timer tick (so a down server is not hammered).
// Overflow is counted in droppedRows.

export interface AsyncWriteQueueOptions<Row> {
  /** Writes one batch atomically; rejects to signal that nothing was written. */
  writeBatch: (rows: Row[]) => Promise<void>;
  flushIntervalMs: number;
  batchSize: number;
  maxQueue: number;
  onError: (error: Error, pendingRows: number) => void;
}

export class AsyncWriteQueue<Row> {
  private rows: Row[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private inFlight: Promise<boolean> | undefined;
  private failing = false;
  private overflowing = false;
  private stopped = false;
  private lastError: Error | undefined;
  droppedRows = 0;
  writeFailures = 0;

  constructor(private readonly options: AsyncWriteQueueOptions<Row>) {}

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

  /** Writes every row queued now, batch by batch; rejects with the write error (rows stay queued). */
  async flushAll(): Promise<void> {
    this.clearSchedules();
    if (this.inFlight) await this.inFlight;
    while (this.rows.length > 0) {
      if (!(await this.writeHead())) {
        this.scheduleTimer();
        throw this.lastError ?? new Error('decision log write failed');
      }
    }
  }

  /** Stops the timers (after the batch in flight, if any); later pushes are dropped. Returns the rows still queued. */
  async stop(): Promise<Row[]> {
    this.stopped = true;
    this.clearSchedules();
    if (this.inFlight) await this.inFlight;
    const left = this.rows;
    this.rows = [];
    return left;
  }

  /** Writes one batch from the head of the queue; false when the write failed. Never rejects. */
  private writeHead(): Promise<boolean> {
    if (this.inFlight) return this.inFlight.then(() => this.writeHead());
    const batch = this.rows.slice(0, this.options.batchSize);
    const write = this.options.writeBatch(batch).then(
      () => {
        this.rows.splice(0, batch.length);
        this.failing = false;
        if (this.rows.length < this.options.maxQueue) this.overflowing = false;
        return true;
      },
      (thrown: unknown) => {
        this.failing = true;
        this.writeFailures += 1;
        this.lastError = thrown instanceof Error ? thrown : new Error(String(thrown));
        this.report(this.lastError);
        return false;
      },
    );
    this.inFlight = write.finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Timer / next-tick drain: one batch per turn, so requests keep flowing. */
  private drainStep = (): void => {
    this.timer = undefined;
    this.immediate = undefined;
    if (this.stopped || this.rows.length === 0) return;
    if (this.inFlight) {
      this.scheduleTimer();
      return;
    }
    void this.writeHead().then((ok) => {
      if (this.stopped) return;
      if (!ok) this.scheduleTimer();
      else if (this.rows.length >= this.options.batchSize) this.scheduleSoon();
      else if (this.rows.length > 0) this.scheduleTimer();
    });
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
