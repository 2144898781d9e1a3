// What the Postgres shared-state implementations need of a connection pool: one parameterised
// query at a time (each statement is its own transaction). A `pg` Pool fits as it is; rows are
// parsed with zod at each call site, never cast.

export interface SqlClient {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** Rejects with a timeout error when `promise` takes longer than `ms` (the query itself runs on). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
