// Batches requests that arrive while a batch is being scored, so concurrent requests share one
// embedder call and one ONNX run. An idle batcher scores a request at once (no added latency);
// under load, everything that queued during the running batch becomes the next batch. An optional
// window (> 0 ms) instead waits that long to collect a batch. Each caller gets its own result or error.

export interface MicroBatcherOptions {
  /** 0: score at once when idle, batch what queues meanwhile; > 0: wait this many ms to collect a batch. */
  windowMs: number;
  maxBatch: number;
}

interface Pending<I, O> {
  input: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

export class MicroBatcher<I, O> {
  private queue: Pending<I, O>[] = [];
  private running = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly process: (inputs: I[]) => Promise<O[]>,
    private readonly options: MicroBatcherOptions,
  ) {}

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (this.running) return;
      if (this.options.windowMs <= 0 || this.queue.length >= this.options.maxBatch) {
        void this.drain();
      } else {
        this.timer ??= setTimeout(() => void this.drain(), this.options.windowMs);
      }
    });
  }

  private async drain(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.maxBatch);
        try {
          const outputs = await this.process(batch.map((p) => p.input));
          batch.forEach((p, i) => {
            const out = outputs[i];
            if (out === undefined) p.reject(new Error('batch returned fewer results than inputs'));
            else p.resolve(out);
          });
        } catch (error) {
          batch.forEach((p) => p.reject(error));
        }
      }
    } finally {
      this.running = false;
    }
  }
}
