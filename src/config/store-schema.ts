// The `store:` part of the config: which backend keeps the decision log, keys and learning tables.
// `kind` defaults to sqlite, so a config without it (every config written before Postgres) keeps
// working. The Postgres URL is never written in the file: `urlEnv` names the environment variable
// that holds it (default TRIAGE_DATABASE_URL). Retention (both kinds): rows older than
// retentionDays are pruned in small batches on a timer; 0 keeps them forever (the default).

import { z } from 'zod';

const common = {
  flushIntervalMs: z.number().int().positive().default(200),
  batchSize: z.number().int().positive().default(256),
  /** Decisions (and their outcomes) older than this many days are pruned; 0 keeps every row. */
  retentionDays: z.number().nonnegative().default(0),
  /** How often the pruner runs when retentionDays > 0. */
  pruneIntervalMs: z.number().int().positive().default(600_000),
  /** Decisions deleted per statement, so pruning never holds a long lock. */
  pruneBatchSize: z.number().int().positive().max(10_000).default(1_000),
};

export const SqliteStoreConfigSchema = z
  .object({
    kind: z.literal('sqlite'),
    path: z.string().default('triage.db'),
    /** How long a batch write may wait for another process's lock; it blocks the event loop (0: never, retry later). */
    busyTimeoutMs: z.number().int().nonnegative().default(0),
    ...common,
  })
  .strict();

export const PostgresStoreConfigSchema = z
  .object({
    kind: z.literal('postgres'),
    /** Environment variable holding the connection URL (postgres://user:password@host:5432/db). */
    urlEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').default('TRIAGE_DATABASE_URL'),
    /** Connections each gateway instance holds. */
    poolSize: z.number().int().positive().max(100).default(10),
    /** How often each instance re-reads the active calibrations and model versions (their pickup delay). */
    refreshIntervalMs: z.number().int().positive().default(2_000),
    ...common,
  })
  .strict();

/** A store block without `kind` is a SQLite one. */
export const StoreConfigSchema = z.preprocess(
  (value) => (typeof value === 'object' && value !== null && !Array.isArray(value) && !('kind' in value) ? { ...value, kind: 'sqlite' } : value),
  z.discriminatedUnion('kind', [SqliteStoreConfigSchema, PostgresStoreConfigSchema]),
);
export type StoreConfig = z.infer<typeof StoreConfigSchema>;
export type StoreKind = StoreConfig['kind'];
export type SqliteStoreConfig = z.infer<typeof SqliteStoreConfigSchema>;
export type PostgresStoreConfig = z.infer<typeof PostgresStoreConfigSchema>;

/** The store the config means when `--db FILE` (or TRIAGE_DB) names a SQLite file instead. */
export function sqliteStoreAt(path: string, from: StoreConfig): SqliteStoreConfig {
  const { flushIntervalMs, batchSize, retentionDays, pruneIntervalMs, pruneBatchSize } = from;
  return SqliteStoreConfigSchema.parse({
    kind: 'sqlite', path, flushIntervalMs, batchSize, retentionDays, pruneIntervalMs, pruneBatchSize,
    ...(from.kind === 'sqlite' ? { busyTimeoutMs: from.busyTimeoutMs } : {}),
  });
}
