// Two small Postgres admin helpers with no vitest in them, so the benchmark scripts can use them as
// well as the test helpers (postgres.ts): one statement on a server, and a URL for another database
// on the same server.

import pg from 'pg';

/** The URL with its database name replaced. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Runs one statement (CREATE DATABASE, DROP DATABASE, ...) on its own connection. */
export async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
