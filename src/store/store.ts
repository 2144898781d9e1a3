// The decision-log interface: one row per request the gateway handled (routed or passed through),
// with its decision, tokens, cost and latency. Writes are queued and batched off the hot path;
// flush() and close() put every pending row on disk. Implementations run the shared suite in
// test/store/store.conformance.ts.
//
// Shared semantics: decisions() is newest first (ties: most recently logged first); logging an id
// twice keeps the last record; flush() after close() is a no-op, log() after close() drops the row
// (counted in stats().droppedRows), and reads after close() reject.

export type DecisionKind = 'chat' | 'route' | 'embeddings' | 'completions' | 'responses';
export type Tier = 'strong' | 'weak';

export interface DecisionRecord {
  /** Decision id (also sent to the client as x-triage-decision-id). */
  id: string;
  /** Unix epoch milliseconds when the request arrived. */
  createdAt: number;
  kind: DecisionKind;
  /** Router name, or null when the request named a model directly (pass-through). */
  router: string | null;
  /** Scorer name, e.g. "random" or "learned:default". */
  scorer: string | null;
  /** Caller tags from x-triage-tags, OpenAI `user` and `metadata`. */
  tags: Record<string, string>;
  /** Mode signal sent by the client (x-triage-mode) or inferred task type. */
  mode: string | null;
  taskType: string | null;
  promptHash: string;
  /** Prompt text, only when the config asks to log prompts. */
  promptText: string | null;
  score: number | null;
  threshold: number | null;
  tier: Tier | null;
  /** Why this tier: "score>=threshold", "mode:plan", "scorer-error: ...", "passthrough", ... */
  reason: string;
  /** Model alias and upstream model id that served (or would serve) the request. */
  modelAlias: string | null;
  modelId: string | null;
  provider: string | null;
  /** True when the strong model was used because scoring failed or the first upstream failed. */
  fallbackUsed: boolean;
  stream: boolean;
  status: number;
  error: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  cachedTokens: number | null;
  costUsd: number | null;
  decisionMs: number | null;
  /** Total latency and time to first byte from the upstream, in milliseconds. */
  latencyMs: number | null;
  ttfbMs: number | null;
  /** Id of the gateway key the request came with (a hash prefix, never the key), or null without auth. */
  keyId: string | null;
  /** The versioned calibration behind the threshold (absent or null: the config's threshold). */
  calibrationId?: string | null;
  /** The scorer's feature vector (no text), for re-scoring in replay; absent when not logged. */
  features?: FeatureVector | null;
  /**
   * Probability that the served tier was chosen (exploration logs it for unbiased estimates): 1
   * when the tier was not open to exploration; absent or null when not recorded.
   */
  propensity?: number | null;
  /** True when exploration flipped the scorer's tier; absent or null when not recorded. */
  explored?: boolean | null;
}

/** A scorer's input as a compact vector, with the id of the feature layout it follows. */
export interface FeatureVector {
  layout: string;
  vector: Float32Array;
}

export interface DecisionQuery {
  /** Inclusive lower bound on createdAt (epoch ms). */
  since?: number;
  /** Exclusive upper bound on createdAt (epoch ms). */
  until?: number;
  /** Only rows decided by this router (pass-through rows have no router). */
  router?: string;
  /** Most rows to return (for costByTag: most summary rows). */
  limit?: number;
}

export interface CostSummaryRow {
  key: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

/** What a usage breakdown groups by: one tag's value, or one column of the row. */
export type UsageDimension = 'tag' | 'mode' | 'task' | 'router' | 'model' | 'day';
export type UsageGroupBy = { dimension: 'tag'; tag: string } | { dimension: Exclude<UsageDimension, 'tag'> };

/**
 * Which kind of request a row records: an upstream call (kind 'chat'), a `/v1/route` dry run
 * (kind 'route', no upstream), or a request rejected before routing (reason 'rejected', either kind).
 */
export type RequestClass = 'upstream' | 'dry-run' | 'rejected';

/**
 * One cell of a usage breakdown: the rows sharing a group key, request class, router, served model
 * alias and tier, added up. Null token and cost fields count as 0; cachedTokens is clamped per row
 * to that row's prompt tokens (as routing/cost.ts bills it), so cells can be priced exactly.
 */
export interface UsageCell {
  /** The group value; "" when the row has none (no such tag, no mode, pass-through router, ...). */
  key: string;
  requestClass: RequestClass;
  router: string | null;
  modelAlias: string | null;
  tier: Tier | null;
  requests: number;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  costUsd: number;
}

/**
 * What happened after a decision: user feedback, a judge's verdict, an eval label. At most one
 * outcome per decision and source: recording another replaces it. They feed the learning loop.
 */
export interface DecisionOutcome {
  decisionId: string;
  /** Unix epoch milliseconds when the outcome was recorded. */
  createdAt: number;
  /** Who produced it: "feedback" (POST /v1/feedback), "judge", "eval", ... */
  source: string;
  /** Grade in [0, 1] (1 = the answer was good), if any. */
  rating: number | null;
  /** Categorical verdict, e.g. "good", "bad", "needs-strong", if any. */
  label: string | null;
}

/** Counters for /metrics. */
export interface DecisionStoreStats {
  /** Rows queued but not yet on disk. */
  pendingRows: number;
  /** Rows thrown away: queue overflow, log() after close, or a failed final flush. */
  droppedRows: number;
  /** Batch writes that failed (their rows stay queued and are retried). */
  writeFailures: number;
}

export interface DecisionStore {
  /** Queues a row; never throws and never blocks on disk. */
  log(record: DecisionRecord): void;
  /** Writes every queued row to disk now; rejects (rows stay queued) if the write fails. */
  flush(): Promise<void>;
  /** Reads rows back, newest first (flushes pending rows first). */
  decisions(query?: DecisionQuery): Promise<DecisionRecord[]>;
  get(id: string): Promise<DecisionRecord | undefined>;
  /**
   * Spend added up per value of one tag (rows without the tag under key ""), most expensive first
   * (ties by key). Null token and cost fields count as 0.
   */
  costByTag(tag: string, query?: DecisionQuery): Promise<CostSummaryRow[]>;
  /**
   * Rows added up per (group key, request class, router, model alias, tier), for reports. Days are
   * UTC calendar days ("YYYY-MM-DD"). Cells come in no particular order; the limit does not apply.
   */
  usageBreakdown(groupBy: UsageGroupBy, query?: DecisionQuery): Promise<UsageCell[]>;
  /**
   * Stores one outcome (written straight away, not queued: it is not on the request hot path),
   * replacing an earlier one of the same decision and source. The decision need not be on disk
   * yet, nor exist at all (outcomes may arrive from elsewhere).
   */
  recordOutcome(outcome: DecisionOutcome): Promise<void>;
  /** Outcomes recorded for a decision, oldest first. */
  outcomes(decisionId: string): Promise<DecisionOutcome[]>;
  stats(): DecisionStoreStats;
  /** Flushes and releases the database. Safe to call twice. */
  close(): Promise<void>;
}
