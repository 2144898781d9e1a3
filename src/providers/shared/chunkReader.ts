// Pull-style reading of a streamed upstream body (node:http IncomingMessage): read() resolves with
// the next network chunk, null at the clean end, or rejects when the body breaks off. The body is
// paused while nobody reads, so at most the chunks already received wait in memory. close() ends
// reading: a finished body is left alone (its socket is back in the pool); an unfinished one is
// destroyed, or, after the stream's own end marker, given a short grace to finish so its socket
// can be reused.

import type { IncomingMessage } from 'node:http';

/** How long an answer that sent its end marker may take to finish before its socket is closed. */
const DRAIN_GRACE_MS = 1000;

interface Waiter {
  resolve: (chunk: Buffer | null) => void;
  reject: (error: unknown) => void;
}

export class ChunkReader {
  readonly #body: IncomingMessage;
  readonly #queue: Buffer[] = [];
  #ended = false;
  #failed = false;
  #error: unknown;
  #waiter: Waiter | undefined;
  #closed = false;

  constructor(body: IncomingMessage) {
    this.#body = body;
    body.on('data', this.#onData);
    body.once('end', this.#onEnd);
    body.once('error', this.#onError);
    body.once('close', this.#onClose);
  }

  readonly #onData = (chunk: Buffer): void => {
    if (this.#closed) return;
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter.resolve(chunk);
      return;
    }
    this.#queue.push(chunk);
    this.#body.pause();
  };

  readonly #onEnd = (): void => {
    this.#ended = true;
    this.#settle();
  };

  readonly #onError = (error: unknown): void => {
    this.#fail(error);
  };

  readonly #onClose = (): void => {
    if (!this.#ended && !this.#body.complete) this.#fail(Object.assign(new Error('the response body broke off'), { code: 'ECONNRESET' }));
  };

  #fail(error: unknown): void {
    if (this.#failed || this.#ended) return;
    this.#failed = true;
    this.#error = error;
    this.#settle();
  }

  /** Wakes a pending read when no chunk is queued and the body ended or failed. */
  #settle(): void {
    const waiter = this.#waiter;
    if (!waiter || this.#queue.length > 0) return;
    this.#waiter = undefined;
    if (this.#failed) waiter.reject(this.#error);
    else waiter.resolve(null);
  }

  /** The next chunk, or null when the body ended cleanly; rejects when it broke off. One read at a time. */
  read(): Promise<Buffer | null> {
    const queued = this.#queue.shift();
    if (queued) {
      if (this.#queue.length === 0 && !this.#closed) this.#body.resume();
      return Promise.resolve(queued);
    }
    if (this.#failed) return Promise.reject(this.#error);
    if (this.#ended) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
      this.#body.resume();
    });
  }

  /**
   * Stops reading. `drain`: the stream's end marker came, so let the rest of the answer arrive (and
   * be discarded) for a short while before closing the socket; otherwise an unfinished body is destroyed.
   */
  close(mode: 'drain' | 'destroy'): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    const body = this.#body;
    if (this.#ended || body.complete) return;
    if (mode === 'destroy' || this.#failed) {
      body.destroy();
      return;
    }
    const timer = setTimeout(() => body.destroy(), DRAIN_GRACE_MS);
    timer.unref();
    body.once('end', () => clearTimeout(timer));
    body.once('close', () => clearTimeout(timer));
    body.resume();
  }
}
