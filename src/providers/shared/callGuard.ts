// Stop plumbing for one upstream call: the caller's signal, a re-armable timeout and an explicit stop
// all end in one stop action (the transport destroys its request), and the guard remembers which of
// them stopped the call first so failures get the right code. No AbortController or merged signal
// is made per call: the caller's signal gets one listener, removed when the call is released.

export type StopReason = 'timeout' | 'aborted';

export class CallGuard {
  readonly #callerSignal: AbortSignal | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #reason: StopReason | undefined;
  #stopped = false;
  #released = false;
  #onStop: (() => void) | undefined;
  readonly #onCallerAbort = (): void => this.stop('aborted');
  readonly #onTimeout = (): void => this.stop('timeout');

  constructor(callerSignal?: AbortSignal) {
    this.#callerSignal = callerSignal;
    if (!callerSignal) return;
    if (callerSignal.aborted) {
      this.#reason = 'aborted';
      this.#stopped = true;
    } else {
      callerSignal.addEventListener('abort', this.#onCallerAbort, { once: true });
    }
  }

  /** True once anything stopped the call. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** What stopping does (the transport's cancel); runs at once when the call is already stopped. */
  onStop(action: () => void): void {
    if (this.#stopped) action();
    else this.#onStop = action;
  }

  /** Stops the call with 'timeout' unless disarmed or re-armed within `ms`. */
  arm(ms: number): void {
    this.disarm();
    if (!this.#stopped) this.#timer = setTimeout(this.#onTimeout, ms);
  }

  disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Stops the upstream request; the first cause wins (a caller abort counts as 'aborted'). */
  stop(reason: StopReason): void {
    this.#reason ??= this.#callerSignal?.aborted ? 'aborted' : reason;
    this.disarm();
    if (this.#stopped) return;
    this.#stopped = true;
    const action = this.#onStop;
    this.#onStop = undefined;
    this.#detach();
    action?.();
  }

  /** The call is over (its answer fully read): forget the caller's signal and the stop action. */
  release(): void {
    this.disarm();
    this.#onStop = undefined;
    this.#detach();
  }

  #detach(): void {
    if (this.#released) return;
    this.#released = true;
    this.#callerSignal?.removeEventListener('abort', this.#onCallerAbort);
  }

  /** Why the call was stopped, or undefined when nothing stopped it (an error is then a network failure). */
  stopReason(): StopReason | undefined {
    return this.#reason ?? (this.#callerSignal?.aborted ? 'aborted' : undefined);
  }
}
