// Releasing what a gateway opened, in order, on shutdown or a failed start: every step runs even
// when an earlier one fails (a failed shared-state close must not keep the decision log from
// flushing, nor a failed final flush keep the scorers open). Each failure is logged; the first one
// is rethrown once every step has run.

import type { Logger } from '../config/logger.ts';

export interface ReleaseStep {
  /** What the step releases, for the log line when it fails. */
  what: string;
  run: () => unknown;
}

export async function runReleaseSteps(steps: readonly ReleaseStep[], log: Logger): Promise<void> {
  let first: { error: unknown } | undefined;
  for (const step of steps) {
    try {
      await step.run();
    } catch (error) {
      log.error('shutdown_step_failed', { what: step.what, message: error instanceof Error ? error.message : String(error) });
      first ??= { error };
    }
  }
  if (first) throw first.error;
}
