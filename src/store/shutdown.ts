// Graceful shutdown for the decision log: on SIGTERM/SIGINT/SIGHUP run the registered closers (e.g. the
// HTTP server's close, so no new rows arrive), then flush and close the store, then exit 0 (1 if the
// store could not be flushed). A second signal exits at once. The handler is a plain function
// (createShutdownHandler) so tests can drive it without sending signals.

import { constants } from 'node:os';
import type { DecisionStore } from './store.ts';

export type Closer = () => unknown;

export interface ShutdownOptions {
  /** Called once when the first signal arrives (e.g. to log "shutting down"). */
  onSignal?: (signal: NodeJS.Signals) => void;
  /** Run in order before the store closes; errors are ignored. */
  closers?: Closer[];
  /** How long the closers may take before the store is closed anyway (default 5000 ms). */
  closerTimeoutMs?: number;
  /** Defaults to process.exit. */
  exit?: (code: number) => void;
  /** Defaults to SIGTERM, SIGINT and SIGHUP. */
  signals?: NodeJS.Signals[];
}

export interface ShutdownHandler {
  /** Runs the shutdown for a signal; a second call exits immediately. */
  handle(signal: NodeJS.Signals): Promise<void>;
  /** Registers a closer that runs before the store closes (e.g. a server created later). */
  addCloser(closer: Closer): void;
}

export interface InstalledShutdown extends ShutdownHandler {
  uninstall(): void;
}

function exitCodeFor(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

async function runWithDeadline(closers: Closer[], timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  const runAll = (async () => {
    for (const closer of closers) {
      try {
        await closer();
      } catch {
        // A closer that fails must not keep the decision log from being flushed.
      }
    }
  })();
  await Promise.race([runAll, deadline]);
  clearTimeout(timer);
}

export function createShutdownHandler(store: DecisionStore, options: ShutdownOptions = {}): ShutdownHandler {
  const closers = [...(options.closers ?? [])];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let started = false;
  return {
    addCloser: (closer) => {
      closers.push(closer);
    },
    async handle(signal) {
      if (started) {
        exit(exitCodeFor(signal));
        return;
      }
      started = true;
      try {
        options.onSignal?.(signal);
      } catch {
        // Logging the signal is optional; flushing is not.
      }
      await runWithDeadline(closers, options.closerTimeoutMs ?? 5000);
      let code = 0;
      try {
        await store.close();
      } catch {
        code = 1;
      }
      exit(code);
    },
  };
}

/** Installs the handler on the process; returns it with uninstall() to remove the listeners. */
export function installShutdownFlush(store: DecisionStore, options: ShutdownOptions = {}): InstalledShutdown {
  const handler = createShutdownHandler(store, options);
  // SIGHUP too: a closed terminal or a supervisor's reload must not kill the process unflushed.
  const signals = options.signals ?? ['SIGTERM', 'SIGINT', 'SIGHUP'];
  const listener = (signal: NodeJS.Signals): void => {
    void handler.handle(signal);
  };
  for (const signal of signals) process.on(signal, listener);
  return {
    ...handler,
    uninstall: () => {
      for (const signal of signals) process.off(signal, listener);
    },
  };
}
