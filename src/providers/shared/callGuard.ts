// Abort plumbing for one upstream call: merges the caller's signal with a re-armable timeout and an
// explicit stop, and remembers which of them stopped the call first so failures get the right code.

export type StopReason = 'timeout' | 'aborted';

export class CallGuard {
  readonly signal: AbortSignal;
  readonly #controller = new AbortController();
  readonly #callerSignal: AbortSignal | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #reason: StopReason | undefined;

  constructor(callerSignal?: AbortSignal) {
    this.#callerSignal = callerSignal;
    this.signal = callerSignal
      ? AbortSignal.any([callerSignal, this.#controller.signal])
      : this.#controller.signal;
  }

  /** Stops the call with 'timeout' unless disarmed or re-armed within `ms`. */
  arm(ms: number): void {
    this.disarm();
    this.#timer = setTimeout(() => this.stop('timeout'), ms);
  }

  disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Aborts the upstream request; the first cause wins (a caller abort counts as 'aborted'). */
  stop(reason: StopReason): void {
    this.#reason ??= this.#callerSignal?.aborted ? 'aborted' : reason;
    this.disarm();
    this.#controller.abort();
  }

  /** Why the call was stopped, or undefined when nothing stopped it (an error is then a network failure). */
  stopReason(): StopReason | undefined {
    return this.#reason ?? (this.#callerSignal?.aborted ? 'aborted' : undefined);
  }
}
