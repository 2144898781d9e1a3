// When `triage serve` runs under an npm wrapper (`npx triage serve`, `npm exec`), a supervisor's
// SIGTERM reaches npm, and npm's shell dies without passing it on: the server would be left running
// as an orphan and never flush its log. This notices that the launcher is gone and shuts down as on SIGTERM.

import type { Env } from '../config/env.ts';

/** True when npm (run-script or exec) started this process. */
export function launchedByNpm(env: Env): boolean {
  return Boolean(env['npm_lifecycle_event'] || env['npm_command']);
}

/** Calls `onOrphaned` once, when the parent process that started us has gone (checked every `everyMs`). */
export function followLauncher(onOrphaned: () => void, everyMs = 250): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onOrphaned();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
