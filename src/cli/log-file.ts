// Opens the decision log a command reads: --db FILE or --db postgres://URL, else TRIAGE_DB, else
// TRIAGE_DATABASE_URL (the Postgres URL a fleet's gateways use), else triage.db. Commands that only
// read refuse a missing SQLite file instead of creating an empty one. A command is not on the
// request path, so on SQLite it waits (up to CLI_BUSY_TIMEOUT_MS) for a running gateway's write
// lock instead of failing with "database is locked" while that gateway is busy logging.

import { existsSync } from 'node:fs';
import type { Env } from '../config/env.ts';
import type { OpenedStore } from '../store/registry.ts';
import { openStoreTarget, parseStoreTarget } from '../store/target.ts';

export function logPath(flag: string | undefined, env: Env): string {
  return flag ?? (env['TRIAGE_DB'] || undefined) ?? (env['TRIAGE_DATABASE_URL'] || undefined) ?? 'triage.db';
}

/** How long a command waits for another process's write lock on the log. */
export const CLI_BUSY_TIMEOUT_MS = 10_000;

/** True when the log exists (a Postgres URL always counts: the server is asked when opening). */
export function logExists(path: string): boolean {
  const target = parseStoreTarget(path);
  return target.kind === 'postgres' || existsSync(target.path);
}

/** Opens a log (a SQLite file or a Postgres URL) for a command, waiting for a running gateway's lock rather than failing. */
export function openLogFile(path: string): Promise<OpenedStore> {
  return openStoreTarget(parseStoreTarget(path), { busyTimeoutMs: CLI_BUSY_TIMEOUT_MS });
}

export async function openLog(flag: string | undefined, env: Env, options: { create?: boolean } = {}): Promise<OpenedStore> {
  const path = logPath(flag, env);
  if (!options.create && !logExists(path)) throw new Error(`no decision log at ${path} (use --db FILE or TRIAGE_DB)`);
  return openLogFile(path);
}
