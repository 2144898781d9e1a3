// PostgresDecisionStore: every store interface the SQLite store implements, on one Postgres
// database shared by any number of gateway instances. log() only encodes and queues; AsyncWriteQueue
// writes batches as one upsert each (one array parameter per column), off the request path, retrying a failed batch on the
// next tick (bounded queue, drops counted) — the SQLite store's durability promise: close() flushes,
// retrying for up to closeTimeoutMs, and counts what it could not write.
//
// activeCalibrations() and activeModelVersions() are synchronous in their interfaces (the gateway
// polls them), so this store answers them from a cache that a timer refreshes every
// refreshIntervalMs (default 2 s), and at once after this instance's own writes. Another instance's
// calibration or model activation is therefore seen here within one refresh interval.

import type pg from 'pg';
import { buildKey, type GatewayKey, type KeyStore, type NewGatewayKey } from '../keys.ts';
import type { Calibration, CalibrationQuery, LearningStore } from '../learning-store.ts';
import type { NewShadowLabel, ShadowLabel, ShadowLabelQuery, ShadowSpend } from '../shadow-labels.ts';
import type { LabelEvidence, LabelEvidenceQuery, LabelEvidenceStore } from '../label-evidence.ts';
import type { ModelVersion, ModelVersionQuery, ModelVersionStore } from '../model-versions.ts';
import type { AuditEntry, DashboardStore, LabelDay, LabelQuery, OptionalTableRows } from '../dashboard-store.ts';
import type {
  CostSummaryRow, DecisionOutcome, DecisionQuery, DecisionRecord, DecisionStore, DecisionStoreStats, UsageCell, UsageGroupBy,
} from '../store.ts';
import { decodeKey, encodeKey } from '../sqlite/key-rows.ts';
import { decodeDecision, decodeOutcome, decodeUsageCell, encodeDecision, type EncodedDecision } from '../sqlite/rows.ts';
import * as dashboard from './dashboard-tables.ts';
import * as sql from './decision-queries.ts';
import * as learning from './learning-tables.ts';
import { applyPostgresMigrations } from './migrate.ts';
import { Params } from './params.ts';
import { openPostgresPool } from './pool.ts';
import { AsyncWriteQueue } from './write-queue.ts';
import type { PruneResult, RetentionStore } from '../retention.ts';
import type { StoreHealth } from '../health.ts';
import { prunePostgresBefore } from './prune.ts';
import { flushUntilDeadline } from '../close-flush.ts';

export interface PostgresStoreOptions {
  /** Longest a logged row waits before it is written (default 200 ms). */
  flushIntervalMs?: number;
  /** Rows per INSERT; a full batch is written on the next tick (default 256, at most 1,900). */
  batchSize?: number;
  /** Queued rows beyond this are dropped and counted (default 100 000). */
  maxQueue?: number;
  /** How long close() keeps retrying the final flush while the server is unreachable (default 5000 ms). */
  closeTimeoutMs?: number;
  /** How often the active calibrations and model versions are re-read (default 2000 ms). */
  refreshIntervalMs?: number;
  /** Connections this instance holds (default 10). */
  poolSize?: number;
  /** Write failures and drops; default prints one line to stderr. */
  onError?: (error: Error, pendingRows: number) => void;
}

/** Rows per INSERT at most, so one statement (one array per column) stays a bounded size. */
const MAX_BATCH = 1_900;

const defaultOnError = (error: Error, pendingRows: number): void => {
  console.error(`[triage:store] ${error.message} (${pendingRows} rows pending)`);
};

export class PostgresDecisionStore
  implements DecisionStore, KeyStore, LearningStore, LabelEvidenceStore, ModelVersionStore, DashboardStore, RetentionStore, StoreHealth
{
  readonly backend = 'postgres';
  private readonly queue: AsyncWriteQueue<EncodedDecision>;
  private readonly onError: (error: Error, pendingRows: number) => void;
  private readonly closeTimeoutMs: number;
  private closed = false;
  private calibrationCache: Calibration[] = [];
  private modelVersionCache: ModelVersion[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;
  private refreshFailing = false;

  constructor(
    readonly pool: pg.Pool,
    options: PostgresStoreOptions = {},
  ) {
    this.onError = options.onError ?? defaultOnError;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 5000;
    this.queue = new AsyncWriteQueue<EncodedDecision>({
      writeBatch: async (rows) => {
        const insert = sql.insertDecisionBatch(rows);
        await this.pool.query(insert.text, insert.values);
      },
      flushIntervalMs: options.flushIntervalMs ?? 200,
      batchSize: Math.min(MAX_BATCH, Math.max(1, options.batchSize ?? 256)),
      maxQueue: options.maxQueue ?? 100_000,
      onError: (error, pending) => this.onError(error, pending),
    });
    const interval = options.refreshIntervalMs ?? 2000;
    this.refreshTimer = setInterval(() => void this.refreshActive().catch(() => {}), interval);
    this.refreshTimer.unref();
  }

  /** Re-reads the active calibrations and model versions (the synchronous getters' cache). */
  async refreshActive(): Promise<void> {
    try {
      const [calibrations, versions] = await Promise.all([learning.activeCalibrations(this.pool), learning.activeModelVersions(this.pool)]);
      this.calibrationCache = calibrations;
      this.modelVersionCache = versions;
      this.refreshFailing = false;
    } catch (error) {
      // Keep serving the last known set; report once per outage, not every tick.
      if (!this.refreshFailing && !this.closed) this.report(new Error(`could not refresh active calibrations: ${String(error)}`));
      this.refreshFailing = true;
      throw error;
    }
  }

  log(record: DecisionRecord): void {
    let encoded: EncodedDecision;
    try {
      encoded = encodeDecision(record);
    } catch (thrown) {
      this.queue.droppedRows += 1;
      this.report(new Error(`decision not logged: ${String(thrown)}`));
      return;
    }
    this.queue.push(encoded);
  }

  async flush(): Promise<void> {
    if (this.closed) return;
    await this.queue.flushAll();
  }

  async decisions(query: DecisionQuery = {}): Promise<DecisionRecord[]> {
    await this.flushBeforeRead();
    const select = sql.selectDecisions(query);
    return (await this.pool.query(select.text, select.values)).rows.map(decodeDecision);
  }

  async get(id: string): Promise<DecisionRecord | undefined> {
    await this.flushBeforeRead();
    const row: Record<string, unknown> | undefined = (await this.pool.query('SELECT * FROM decisions WHERE id = $1', [id])).rows[0];
    return row ? decodeDecision(row) : undefined;
  }

  async costByTag(tag: string, query: DecisionQuery = {}): Promise<CostSummaryRow[]> {
    await this.flushBeforeRead();
    const select = sql.selectCostByTag(tag, query);
    const rows: Array<Record<string, unknown>> = (await this.pool.query(select.text, select.values)).rows;
    return rows.map((row) => ({
      key: String(row['key'] ?? ''),
      requests: Number(row['requests'] ?? 0),
      promptTokens: Number(row['promptTokens'] ?? 0),
      completionTokens: Number(row['completionTokens'] ?? 0),
      costUsd: Number(row['costUsd'] ?? 0),
    }));
  }

  async usageBreakdown(groupBy: UsageGroupBy, query: DecisionQuery = {}): Promise<UsageCell[]> {
    await this.flushBeforeRead();
    const select = sql.selectUsageCells(groupBy, query);
    return (await this.pool.query(select.text, select.values)).rows.map(decodeUsageCell);
  }

  async recordOutcome(outcome: DecisionOutcome): Promise<void> {
    this.assertOpen();
    const { decisionId, createdAt, source, rating, label } = outcome;
    await this.pool.query(
      'INSERT INTO outcomes (decision_id, created_at, source, rating, label) VALUES ($1, $2, $3, $4, $5) ' +
        'ON CONFLICT (decision_id, source) DO UPDATE SET created_at = excluded.created_at, rating = excluded.rating, label = excluded.label',
      [decisionId, createdAt, source, rating, label],
    );
  }

  async outcomes(decisionId: string): Promise<DecisionOutcome[]> {
    this.assertOpen();
    const result = await this.pool.query('SELECT * FROM outcomes WHERE decision_id = $1 ORDER BY created_at ASC, id ASC', [decisionId]);
    return result.rows.map(decodeOutcome);
  }

  async createKey(input: NewGatewayKey, now = Date.now()): Promise<{ key: GatewayKey; secret: string }> {
    this.assertOpen();
    const { key, secret, hash } = buildKey(input, now);
    const params = new Params();
    const row = params.row(encodeKey(key, hash));
    await this.pool.query(`INSERT INTO gateway_keys (id, hash, name, created_at, revoked_at, tags, budget, models, admin) VALUES ${row}`, params.values);
    return { key, secret };
  }

  async listKeys(): Promise<GatewayKey[]> {
    this.assertOpen();
    return (await this.pool.query('SELECT * FROM gateway_keys ORDER BY created_at ASC, seq ASC')).rows.map(decodeKey);
  }

  async keyByHash(hash: string): Promise<GatewayKey | undefined> {
    this.assertOpen();
    const row: Record<string, unknown> | undefined = (await this.pool.query('SELECT * FROM gateway_keys WHERE hash = $1', [hash])).rows[0];
    return row ? decodeKey(row) : undefined;
  }

  async revokeKey(id: string, now = Date.now()): Promise<boolean> {
    this.assertOpen();
    const result = await this.pool.query('UPDATE gateway_keys SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2', [now, id]);
    return (result.rowCount ?? 0) > 0;
  }

  async spentSince(keyId: string, since: number): Promise<number> {
    await this.flushBeforeRead();
    const result = await this.pool.query<{ spent: number }>(
      'SELECT coalesce(sum(cost_usd), 0) AS spent FROM decisions WHERE key_id = $1 AND created_at >= $2',
      [keyId, since],
    );
    return Number(result.rows[0]?.spent ?? 0);
  }

  async saveCalibration(calibration: Calibration): Promise<void> {
    this.assertOpen();
    await learning.saveCalibration(this.pool, calibration);
    await this.refreshAfterWrite();
  }

  async calibrations(query: CalibrationQuery = {}): Promise<Calibration[]> {
    this.assertOpen();
    return learning.listCalibrations(this.pool, query);
  }

  /** From the cache: this instance's own writes at once, other instances' within refreshIntervalMs. */
  activeCalibrations(): Calibration[] {
    this.assertOpen();
    return structuredClone(this.calibrationCache);
  }

  async rollback(router: string, at: number = Date.now()): Promise<Calibration | null> {
    this.assertOpen();
    const active = await learning.rollbackCalibration(this.pool, router, at);
    await this.refreshAfterWrite();
    return active;
  }

  async saveShadowLabel(label: NewShadowLabel): Promise<ShadowLabel> {
    this.assertOpen();
    return learning.saveShadowLabel(this.pool, label);
  }

  async shadowLabels(query: ShadowLabelQuery = {}): Promise<ShadowLabel[]> {
    this.assertOpen();
    return learning.listShadowLabels(this.pool, query);
  }

  async shadowSpend(query: ShadowLabelQuery = {}): Promise<ShadowSpend> {
    this.assertOpen();
    return learning.shadowSpend(this.pool, query);
  }

  async saveModelVersion(version: ModelVersion): Promise<void> {
    this.assertOpen();
    await learning.saveModelVersion(this.pool, version);
    await this.refreshAfterWrite();
  }

  async modelVersions(query: ModelVersionQuery = {}): Promise<ModelVersion[]> {
    this.assertOpen();
    return learning.listModelVersions(this.pool, query);
  }

  /** From the cache, as activeCalibrations(). */
  activeModelVersions(): ModelVersion[] {
    this.assertOpen();
    return structuredClone(this.modelVersionCache);
  }

  async activateModelVersion(id: string, at: number = Date.now()): Promise<ModelVersion> {
    this.assertOpen();
    const version = await learning.activateModelVersion(this.pool, id, at);
    await this.refreshAfterWrite();
    return version;
  }

  async rollbackModelVersion(line: string, at: number = Date.now()): Promise<ModelVersion | null> {
    this.assertOpen();
    const active = await learning.rollbackModelVersion(this.pool, line, at);
    await this.refreshAfterWrite();
    return active;
  }

  async labelEvidence(query: LabelEvidenceQuery = {}): Promise<LabelEvidence> {
    await this.flushBeforeRead();
    return dashboard.labelEvidence(this.pool, query);
  }

  async recordAudit(entry: AuditEntry): Promise<void> {
    this.assertOpen();
    await dashboard.recordAudit(this.pool, entry);
  }

  async auditEntries(limit: number): Promise<AuditEntry[]> {
    this.assertOpen();
    return dashboard.auditEntries(this.pool, limit);
  }

  async outcomesPerDay(query: LabelQuery = {}): Promise<LabelDay[]> {
    this.assertOpen();
    return dashboard.outcomesPerDay(this.pool, query);
  }

  async shadowLabelsPerDay(query: LabelQuery = {}): Promise<LabelDay[] | null> {
    this.assertOpen();
    return dashboard.shadowLabelsPerDay(this.pool, query);
  }

  async gateVerdicts(limit: number): Promise<OptionalTableRows | null> {
    this.assertOpen();
    return dashboard.gateVerdicts(this.pool, limit);
  }

  /** One batch of retention pruning (store/retention.ts); safe to run from several instances at once. */
  async pruneBefore(cutoff: number, batchSize: number): Promise<PruneResult> {
    this.assertOpen();
    return prunePostgresBefore(this.pool, cutoff, batchSize);
  }

  /** For /healthz: one round trip to the server (bounded in time by the caller). */
  async ping(): Promise<void> {
    this.assertOpen();
    await this.pool.query('SELECT 1');
  }

  stats(): DecisionStoreStats {
    const { pendingRows, droppedRows, writeFailures } = this.queue;
    return { pendingRows, droppedRows, writeFailures };
  }

  /** Flushes (retrying while the server is unreachable, up to closeTimeoutMs), then ends the pool. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = undefined;
    const failure = await flushUntilDeadline(() => this.queue.flushAll(), this.closeTimeoutMs, 100);
    const lost = (await this.queue.stop()).length;
    if (lost > 0) {
      this.queue.droppedRows += lost;
      this.report(new Error(`decision log closed with ${lost} rows unwritten`));
    }
    await this.pool.end();
    if (failure !== undefined) throw failure;
  }

  private async refreshAfterWrite(): Promise<void> {
    // The write itself succeeded; a failed re-read leaves the timer to catch up.
    await this.refreshActive().catch(() => {});
  }

  private async flushBeforeRead(): Promise<void> {
    this.assertOpen();
    try {
      await this.queue.flushAll();
    } catch {
      // Already reported through onError; answer from what is in the database.
    }
  }

  private report(error: Error): void {
    try {
      this.onError(error, this.queue.pendingRows);
    } catch {
      // log() must never throw, whatever the error handler does.
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('decision store is closed');
  }
}

/** Connects, applies pending migrations (under the advisory lock) and loads the active sets. */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<PostgresDecisionStore> {
  const pool = openPostgresPool(url, options.poolSize === undefined ? {} : { max: options.poolSize });
  try {
    await applyPostgresMigrations(pool);
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  const store = new PostgresDecisionStore(pool, options);
  try {
    await store.refreshActive();
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  return store;
}
