// The share-window port: a router's recent decisions (which were strong, and the scores of those
// the threshold decided) for the live share controller. Per process, it is this process's last N
// decisions; in Postgres it is the fleet's: every instance adds its decisions in small batches and
// reads the fleet's newest ~N on a short timer, so the controller holds the share across all
// instances and every instance sends the same prompt to the same tier. Both implementations run
// test/store/share-window.conformance.ts.

/** A read-only view of a window: counts (weights) and the scores of threshold-decided decisions. */
export interface WindowView {
  /** Decisions in the window. */
  readonly count: number;
  /** Of which served by the strong model. */
  readonly strong: number;
  /** Decisions not decided by the threshold (no score) that went strong. */
  readonly forcedStrong: number;
  /** Decisions with a score (decided by the threshold). */
  readonly scored: number;
  /** The k-th highest score (k from 1 to `scored`); undefined outside that range. */
  highest(k: number): number | undefined;
}

export interface DecisionWindow {
  /** Adds one decision: its score when the threshold decided it (else null) and whether it went strong. Synchronous, never throws. */
  record(score: number | null, strong: boolean): void;
  /** The window as this instance sees it now (per process: at once; the fleet's: as of the last sync, the same for every instance). */
  view(): WindowView;
  /** Changes whenever view() may have changed (a record, a refresh). */
  readonly version: number;
}

export interface ShareWindows {
  /** The window of one router name holding about `size` decisions (one per name; later calls return the same). */
  open(routerName: string, size: number): DecisionWindow;
  /** Sends this instance's pending decisions and re-reads the fleet's windows now (no-op per process). */
  sync(): Promise<void>;
  close(): Promise<void>;
}
