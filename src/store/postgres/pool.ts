// The connection pool for the Postgres store (the `pg` driver: pure JavaScript, pooled, no native
// build). int8 and numeric values (epoch ms, token counts, sums) come back as JS numbers instead of
// strings; every value the store keeps fits a double exactly. The parsers are per pool, not global,
// so nothing else in the process sees them.

import pg from 'pg';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

const types = new pg.TypeOverrides();
types.setTypeParser(INT8_OID, 'text', (value: string) => Number(value));
types.setTypeParser(NUMERIC_OID, 'text', (value: string) => Number(value));

export interface PostgresPoolOptions {
  /** Most connections this process holds (default 10). */
  max?: number;
  /** Give up connecting after this long (default 5 s), so start-up and checks never hang. */
  connectionTimeoutMs?: number;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
}

/** A pool on the URL (postgres://user:pass@host:port/db, or ?host=/socket/dir for a unix socket). */
export function openPostgresPool(url: string, options: PostgresPoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName ?? 'triage',
    types,
  });
  // An idle client losing its connection (server restart) must not crash the process; the pool
  // drops that client and the next query opens a new connection.
  pool.on('error', () => {});
  return pool;
}

/** True for the URLs this store accepts. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/** The URL without its password, for messages. */
export function redactPostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable url)';
  }
}
