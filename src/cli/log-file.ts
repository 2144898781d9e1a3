// Opens the decision log a command reads: --db FILE, else TRIAGE_DB, else triage.db. Commands that
// only read refuse a missing file instead of creating an empty one.

import { existsSync } from 'node:fs';
import type { Env } from '../config/env.ts';
import { openSqliteStore, type SqliteDecisionStore } from '../store/sqlite/index.ts';

export function logPath(flag: string | undefined, env: Env): string {
  return flag ?? env['TRIAGE_DB'] ?? 'triage.db';
}

export function openLog(flag: string | undefined, env: Env, options: { create?: boolean } = {}): SqliteDecisionStore {
  const path = logPath(flag, env);
  if (!options.create && !existsSync(path)) throw new Error(`no decision log at ${path} (use --db FILE or TRIAGE_DB)`);
  return openSqliteStore(path);
}
