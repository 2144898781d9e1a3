// Database reachability for /healthz: a store that talks to a database implements StoreHealth
// (ping: one trivial round trip). checkStoreHealth bounds it in time, so a hung server or network
// makes /healthz answer "unreachable" after timeoutMs instead of hanging.

export interface StoreHealth {
  /** Which backend answers ("sqlite", "postgres"). */
  readonly backend: string;
  /** One round trip to the database; rejects when it is not reachable. */
  ping(): Promise<void>;
}

export function isStoreHealth(value: object): value is StoreHealth {
  return 'ping' in value && typeof value.ping === 'function' && 'backend' in value;
}

export interface DatabaseHealth {
  backend: string;
  reachable: boolean;
  latencyMs: number;
  error: string | null;
}

export async function checkStoreHealth(store: StoreHealth, timeoutMs: number): Promise<DatabaseHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  const ping = store.ping();
  // A ping that fails after the timeout has answered must not surface as an unhandled rejection.
  ping.catch(() => {});
  try {
    await Promise.race([ping, timeout]);
    return { backend: store.backend, reachable: true, latencyMs: Math.round(performance.now() - started), error: null };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    return { backend: store.backend, reachable: false, latencyMs: Math.round(performance.now() - started), error: message };
  } finally {
    clearTimeout(timer);
  }
}
