// The state gateway instances share when they share a store: spend reservations (key limits,
// router budgets), the share controllers' decision windows, and how long a key looked up by hash
// may be trusted. Per process (SQLite, memory) every instance keeps its own; with Postgres the
// whole fleet holds one. Which one a store gets is chosen in registry.ts.

import { LocalShareWindows } from './local/share-window.ts';
import { LocalSpendLedger } from './local/spend-ledger.ts';
import type { ShareWindows } from './share-window.ts';
import type { SpendLedger } from './spend-ledger.ts';

export interface SharedState {
  /** True when other instances see this state (a shared database), false when it is this process's own. */
  readonly fleet: boolean;
  readonly spend: SpendLedger;
  readonly shareWindows: ShareWindows;
  /** How long a key found by hash is trusted before the store is asked again (0: every request). */
  readonly keyCacheMs: number;
  close(): Promise<void>;
}

/** This process's own state: what one gateway on a SQLite file (or in memory) does. */
export function localSharedState(): SharedState {
  const spend = new LocalSpendLedger();
  const shareWindows = new LocalShareWindows();
  return { fleet: false, spend, shareWindows, keyCacheMs: 0, close: async () => {} };
}
