// Per-provider circuit breakers. A breaker opens after N consecutive failures (connection errors,
// timeouts, unusable answers, 5xx), refuses calls while open, and after a cooldown lets one probe
// through (half-open): a success closes it, a failure opens it again. State is read by /metrics and
// /healthz. The clock is injectable so tests can step through the states without waiting.

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
  now?: () => number;
}

export interface BreakerSnapshot {
  state: BreakerState;
  consecutiveFailures: number;
  /** Times the breaker went from closed or half-open to open. */
  opened: number;
}

export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #opened = 0;
  #probeInFlight = false;
  readonly #now: () => number;

  constructor(private readonly options: BreakerOptions) {
    this.#now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.#state === 'open' && this.#now() - this.#openedAt >= this.options.cooldownMs) return 'half-open';
    return this.#state;
  }

  /** May a call go now? While half-open, one probe at a time is admitted. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open') return false;
    if (this.#probeInFlight) return false;
    this.#state = 'half-open';
    this.#probeInFlight = true;
    return true;
  }

  success(): void {
    this.#failures = 0;
    this.#probeInFlight = false;
    this.#state = 'closed';
  }

  failure(): void {
    this.#failures += 1;
    const wasProbe = this.#probeInFlight;
    this.#probeInFlight = false;
    if (wasProbe || this.#state === 'half-open' || (this.#state === 'closed' && this.#failures >= this.options.failureThreshold)) {
      this.#state = 'open';
      this.#openedAt = this.#now();
      this.#opened += 1;
    }
  }

  /** Ends an admitted call that says nothing of the provider's health (e.g. the client left). */
  release(): void {
    this.#probeInFlight = false;
  }

  snapshot(): BreakerSnapshot {
    return { state: this.state, consecutiveFailures: this.#failures, opened: this.#opened };
  }
}

/** One breaker per provider name from config (a fixed, bounded set). */
export class BreakerRegistry {
  readonly #breakers = new Map<string, CircuitBreaker>();
  constructor(private readonly options: BreakerOptions) {}

  get(provider: string): CircuitBreaker {
    let breaker = this.#breakers.get(provider);
    if (!breaker) {
      breaker = new CircuitBreaker(this.options);
      this.#breakers.set(provider, breaker);
    }
    return breaker;
  }

  snapshot(): Record<string, BreakerSnapshot> {
    const out: Record<string, BreakerSnapshot> = {};
    for (const [name, breaker] of this.#breakers) out[name] = breaker.snapshot();
    return out;
  }
}
