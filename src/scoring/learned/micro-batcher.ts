// Collects requests that arrive close together (same event-loop turn, or within a window of at most
// a few ms) and hands them to one batch function, so concurrent requests share one embedder call and
// one ONNX run. Each caller gets its own result or error.

export interface MicroBatcherOptions {
  /** 0: flush on setImmediate (requests issued in the same turn share a batch); > 0: wait this many ms. */
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
  private scheduled = false;

  constructor(
    private readonly process: (inputs: I[]) => Promise<O[]>,
    private readonly options: MicroBatcherOptions,
  ) {}

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (this.queue.length >= this.options.maxBatch) this.flush();
      else this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      this.flush();
    };
    if (this.options.windowMs > 0) setTimeout(run, this.options.windowMs);
    else setImmediate(run);
  }

  private flush(): void {
    if (this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.options.maxBatch);
    if (this.queue.length > 0) this.schedule();
    this.process(batch.map((p) => p.input)).then(
      (outputs) => batch.forEach((p, i) => {
        const out = outputs[i];
        if (out === undefined) p.reject(new Error('batch returned fewer results than inputs'));
        else p.resolve(out);
      }),
      (error: unknown) => batch.forEach((p) => p.reject(error)),
    );
  }
}
