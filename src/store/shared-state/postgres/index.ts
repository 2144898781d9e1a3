// The fleet's shared state on the Postgres store's pool: the spend ledger (behind the fallback
// wrapper, so an unreachable database never fails a request), the share windows, and key lookups
// trusted for one second (the revocation bound, with the key list's one-second refresh).

import { FallbackSpendLedger } from '../fallback-spend-ledger.ts';
import type { SharedState } from '../shared-state.ts';
import { PostgresShareWindows } from './share-window.ts';
import { PostgresSpendLedger } from './spend-ledger.ts';
import type { SqlClient } from './sql.ts';

export interface PostgresSharedStateOptions {
  /** Problems talking to the database (the state falls back; requests are not failed). */
  onError?: (what: string, error: Error) => void;
  /** Reservations fell back to this process's ledger ('local'), or are shared again ('shared'). */
  onFallback?: (state: 'local' | 'shared', error?: Error) => void;
  /** How often the share windows are synced (default 500 ms). */
  shareRefreshMs?: number;
  /** How long a key found by hash is trusted (default 1000 ms). */
  keyCacheMs?: number;
}

export function postgresSharedState(sql: SqlClient, options: PostgresSharedStateOptions = {}): SharedState {
  const ledger = new PostgresSpendLedger(sql, { onError: (error) => options.onError?.('spend_ledger', error) }).start();
  const spend = new FallbackSpendLedger(ledger, options.onFallback ? { onFallback: options.onFallback } : {});
  const shareWindows = new PostgresShareWindows(sql, {
    ...(options.shareRefreshMs === undefined ? {} : { refreshMs: options.shareRefreshMs }),
    onError: (error) => options.onError?.('share_window', error),
  }).start();
  return {
    fleet: true,
    spend,
    shareWindows,
    keyCacheMs: options.keyCacheMs ?? 1000,
    async close() {
      await shareWindows.close();
      await spend.close();
    },
  };
}
