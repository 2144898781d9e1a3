// The store registry: one factory per `store.kind` (a Record, so adding a kind without its factory
// does not compile). Every backend returns an OpenedStore: the decision log plus keys, learning
// tables, label evidence, model versions, dashboard tables, retention and a health ping. The
// gateway (server/start.ts) and the CLI open stores only through here. The Postgres URL is read
// from the environment variable the config names, never from the config file.

import { readSecret, type Env } from '../config/env.ts';
import type { StoreConfig, StoreKind } from '../config/store-schema.ts';
import type { DashboardStore } from './dashboard-store.ts';
import type { StoreHealth } from './health.ts';
import type { KeyStore } from './keys.ts';
import type { LabelEvidenceStore } from './label-evidence.ts';
import type { LearningStore } from './learning-store.ts';
import type { ModelVersionStore } from './model-versions.ts';
import { openPostgresStore } from './postgres/index.ts';
import type { RetentionStore } from './retention.ts';
import { openSqliteStore } from './sqlite/index.ts';
import type { DecisionStore } from './store.ts';

export type OpenedStore = DecisionStore & KeyStore & LearningStore & LabelEvidenceStore & ModelVersionStore & DashboardStore & RetentionStore & StoreHealth;

export interface OpenStoreOptions {
  env: Env;
  /** Write failures and drops (default: one line on stderr). */
  onError?: (error: Error, pendingRows: number) => void;
  /** SQLite only: how long writes wait for another process's lock (commands wait; the gateway does not). */
  busyTimeoutMs?: number;
}

/** A config that cannot be opened as given (e.g. the URL's environment variable is unset). */
export class StoreConfigError extends Error {
  override readonly name = 'StoreConfigError';
}

type StoreFactories = { [K in StoreKind]: (config: Extract<StoreConfig, { kind: K }>, options: OpenStoreOptions) => Promise<OpenedStore> };

const storeFactories: StoreFactories = {
  sqlite: async (config, options) =>
    openSqliteStore(config.path, {
      flushIntervalMs: config.flushIntervalMs,
      batchSize: config.batchSize,
      busyTimeoutMs: options.busyTimeoutMs ?? config.busyTimeoutMs,
      ...(options.onError ? { onError: options.onError } : {}),
    }),
  postgres: async (config, options) =>
    openPostgresStore(postgresUrl(config.urlEnv, options.env), {
      flushIntervalMs: config.flushIntervalMs,
      batchSize: config.batchSize,
      poolSize: config.poolSize,
      refreshIntervalMs: config.refreshIntervalMs,
      ...(options.onError ? { onError: options.onError } : {}),
    }),
};

/** The connection URL from the named environment variable; a clear error when it is unset. */
export function postgresUrl(urlEnv: string, env: Env): string {
  const url = readSecret(env, urlEnv);
  if (url === undefined) {
    throw new StoreConfigError(
      `store.kind is postgres but ${urlEnv} is not set: put the connection URL (postgres://user:password@host:5432/database) ` +
        `in that environment variable (store.urlEnv names it; the URL never goes in the config file)`,
    );
  }
  return url;
}

export function openStore<K extends StoreKind>(config: Extract<StoreConfig, { kind: K }>, options: OpenStoreOptions): Promise<OpenedStore> {
  const factory: StoreFactories[K] = storeFactories[config.kind];
  return factory(config, options);
}

/** Where a store lives, for logs: the SQLite path, or the Postgres URL's variable (never the URL). */
export function describeStore(config: StoreConfig): string {
  return config.kind === 'sqlite' ? config.path : `postgres (${config.urlEnv})`;
}
