// Opens the decision log a command reads: --db FILE, else TRIAGE_DB, else triage.db. Commands that
// only read refuse a missing file instead of creating an empty one. A command is not on the request
// path, so it waits (up to CLI_BUSY_TIMEOUT_MS) for a running gateway's write lock instead of failing
// with "database is locked" while that gateway is busy logging.

import { existsSync } from 'node:fs';
import type { Env } from '../config/env.ts';
import { openSqliteStore, type SqliteDecisionStore } from '../store/sqlite/index.ts';

export function logPath(flag: string | undefined, env: Env): string {
  return flag ?? env['TRIAGE_DB'] ?? 'triage.db';
}

/** How long a command waits for another process's write lock on the log. */
export const CLI_BUSY_TIMEOUT_MS = 10_000;

/** Opens a log file for a command, waiting for a running gateway's lock rather than failing. */
export function openLogFile(path: string): SqliteDecisionStore {
  return openSqliteStore(path, { busyTimeoutMs: CLI_BUSY_TIMEOUT_MS });
}

export function openLog(flag: string | undefined, env: Env, options: { create?: boolean } = {}): SqliteDecisionStore {
  const path = logPath(flag, env);
  if (!options.create && !existsSync(path)) throw new Error(`no decision log at ${path} (use --db FILE or TRIAGE_DB)`);
  return openLogFile(path);
}
