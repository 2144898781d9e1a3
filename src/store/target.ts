// A store named on the command line: a SQLite file ("triage.db", "sqlite:triage.db") or a Postgres
// URL ("postgres://user:password@host:5432/db"). Commands (`--db`, `triage db copy --from/--to`)
// open stores through here; the gateway opens its configured store through registry.ts. A
// Record over the kinds, so a new backend without an opener does not compile.

import type { StoreKind } from '../config/store-schema.ts';
import { isPostgresUrl, openPostgresStore, redactPostgresUrl } from './postgres/index.ts';
import type { OpenedStore } from './registry.ts';
import { openSqliteStore } from './sqlite/index.ts';

export type StoreTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export function parseStoreTarget(text: string): StoreTarget {
  const trimmed = text.trim();
  if (isPostgresUrl(trimmed)) return { kind: 'postgres', url: trimmed };
  const path = trimmed.startsWith('sqlite:') ? trimmed.slice('sqlite:'.length) : trimmed;
  if (path === '') throw new Error(`no SQLite path in "${text}" (say sqlite:FILE or postgres://...)`);
  return { kind: 'sqlite', path };
}

/** For messages: the path, or the URL without its password. */
export function describeTarget(target: StoreTarget): string {
  return target.kind === 'sqlite' ? target.path : redactPostgresUrl(target.url);
}

export interface OpenTargetOptions {
  /** SQLite: how long a write waits for another process's lock (commands wait, the gateway does not). */
  busyTimeoutMs?: number;
}

type TargetOpeners = { [K in StoreKind]: (target: Extract<StoreTarget, { kind: K }>, options: OpenTargetOptions) => Promise<OpenedStore> };

const openers: TargetOpeners = {
  sqlite: async (target, options) => openSqliteStore(target.path, options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
  postgres: (target) => openPostgresStore(target.url, { poolSize: 4 }),
};

export function openStoreTarget<K extends StoreKind>(target: Extract<StoreTarget, { kind: K }>, options: OpenTargetOptions = {}): Promise<OpenedStore> {
  const opener: TargetOpeners[K] = openers[target.kind];
  return opener(target, options);
}
