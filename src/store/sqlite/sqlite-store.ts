// SqliteDecisionStore: the DecisionStore on better-sqlite3 (WAL, synchronous=NORMAL). log() only
// encodes and queues; WriteQueue batches rows into one transaction per batch. The write path never
// waits for a lock (busy_timeout 0 by default): when another process holds the write lock, the batch
// fails at once, stays queued (bounded, drops counted) and is retried on the next timer tick, so the
// event loop is never stalled. close() retries for up to closeTimeoutMs before counting rows lost.
// Reads flush first so callers see their own writes; outcomes are written directly.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type {
  CostSummaryRow, DecisionOutcome, DecisionQuery, DecisionRecord, DecisionStore, DecisionStoreStats,
  UsageCell, UsageGroupBy,
} from '../store.ts';
import { buildKey, type GatewayKey, type KeyStore, type NewGatewayKey } from '../keys.ts';
import * as keySql from './key-rows.ts';
import type { Calibration, CalibrationQuery, LearningStore } from '../learning-store.ts';
import { CalibrationTable } from './calibrations.ts';
import type { NewShadowLabel, ShadowLabel, ShadowLabelQuery, ShadowSpend } from '../shadow-labels.ts';
import { ShadowLabelTable } from './shadow-label-table.ts';
import type { LabelEvidence, LabelEvidenceQuery, LabelEvidenceStore } from '../label-evidence.ts';
import { readLabelEvidence } from './label-evidence.ts';
import type { ModelVersion, ModelVersionQuery, ModelVersionStore } from '../model-versions.ts';
import { ModelVersionTable } from './model-versions.ts';
import type { AuditEntry, DashboardStore, LabelDay, LabelQuery, OptionalTableRows } from '../dashboard-store.ts';
import { DashboardTables } from './dashboard-tables.ts';
import { applyMigrations } from './migrate.ts';
import { migrations } from './migrations.ts';
import * as sql from './queries.ts';
import { decodeDecision, decodeOutcome, decodeUsageCell, encodeDecision, type EncodedDecision } from './rows.ts';
import { WriteQueue } from './write-queue.ts';
import type { PruneResult, RetentionStore } from '../retention.ts';
import type { StoreHealth } from '../health.ts';
import { pruneSqliteBefore } from './prune.ts';
import { flushUntilDeadline } from '../close-flush.ts';

export interface SqliteStoreOptions {
  /** Longest a logged row waits before it is written (default 200 ms). */
  flushIntervalMs?: number;
  /** Rows per transaction; a full batch is written on the next tick (default 256). */
  batchSize?: number;
  /** Queued rows beyond this are dropped and counted (default 100 000). */
  maxQueue?: number;
  /** How long a write waits for another connection's lock; it blocks the event loop (default 0: never wait, retry later). */
  busyTimeoutMs?: number;
  /** How long close() keeps retrying the final flush while the database is locked (default 5000 ms). */
  closeTimeoutMs?: number;
  /** Write failures and drops; default prints one line to stderr. */
  onError?: (error: Error, pendingRows: number) => void;
}

type Row = Record<string, unknown>;

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null;
}

const defaultOnError = (error: Error, pendingRows: number): void => {
  console.error(`[triage:store] ${error.message} (${pendingRows} rows pending)`);
};

export class SqliteDecisionStore
  implements DecisionStore, KeyStore, LearningStore, LabelEvidenceStore, ModelVersionStore, DashboardStore, RetentionStore, StoreHealth
{
  readonly backend = 'sqlite';
  private readonly queue: WriteQueue<EncodedDecision>;
  private readonly calibrationTable: CalibrationTable;
  private readonly shadowLabelTable: ShadowLabelTable;
  private readonly modelVersionTable: ModelVersionTable;
  private readonly dashboardTables: DashboardTables;
  private readonly onError: (error: Error, pendingRows: number) => void;
  private closed = false;
  private readonly closeTimeoutMs: number;

  constructor(
    private readonly db: Database.Database,
    options: SqliteStoreOptions = {},
  ) {
    this.onError = options.onError ?? defaultOnError;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 5000;
    this.calibrationTable = new CalibrationTable(db);
    this.shadowLabelTable = new ShadowLabelTable(db);
    this.modelVersionTable = new ModelVersionTable(db);
    this.dashboardTables = new DashboardTables(db);
    const insert = db.prepare(sql.insertDecisionSql);
    const writeBatch = db.transaction((rows: EncodedDecision[]) => {
      for (const row of rows) insert.run(row);
    });
    this.queue = new WriteQueue<EncodedDecision>({
      writeBatch: (rows) => writeBatch(rows),
      flushIntervalMs: options.flushIntervalMs ?? 200,
      batchSize: options.batchSize ?? 256,
      maxQueue: options.maxQueue ?? 100_000,
      onError: (error, pending) => this.onError(error, pending), // WriteQueue guards throws
    });
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
    this.queue.flushAll();
  }

  async decisions(query: DecisionQuery = {}): Promise<DecisionRecord[]> {
    this.flushBeforeRead();
    const { sql: text, params } = sql.selectDecisions(query);
    return this.db.prepare(text).all(...params).filter(isRow).map(decodeDecision);
  }

  async get(id: string): Promise<DecisionRecord | undefined> {
    this.flushBeforeRead();
    const row: unknown = this.db.prepare(sql.selectDecisionByIdSql).get(id);
    return isRow(row) ? decodeDecision(row) : undefined;
  }

  async costByTag(tag: string, query: DecisionQuery = {}): Promise<CostSummaryRow[]> {
    this.flushBeforeRead();
    const { sql: text, params } = sql.selectCostByTag(tag, query);
    return this.db.prepare(text).all(...params).filter(isRow).map((row) => ({
      key: String(row['key'] ?? ''),
      requests: Number(row['requests'] ?? 0),
      promptTokens: Number(row['promptTokens'] ?? 0),
      completionTokens: Number(row['completionTokens'] ?? 0),
      costUsd: Number(row['costUsd'] ?? 0),
    }));
  }

  async usageBreakdown(groupBy: UsageGroupBy, query: DecisionQuery = {}): Promise<UsageCell[]> {
    this.flushBeforeRead();
    const { sql: text, params } = sql.selectUsageCells(groupBy, query);
    return this.db.prepare(text).all(...params).filter(isRow).map(decodeUsageCell);
  }

  async recordOutcome(outcome: DecisionOutcome): Promise<void> {
    this.assertOpen();
    const { decisionId, createdAt, source, rating, label } = outcome;
    this.db.prepare(sql.insertOutcomeSql).run(decisionId, createdAt, source, rating, label);
  }

  async outcomes(decisionId: string): Promise<DecisionOutcome[]> {
    this.assertOpen();
    return this.db.prepare(sql.selectOutcomesSql).all(decisionId).filter(isRow).map(decodeOutcome);
  }

  async createKey(input: NewGatewayKey, now = Date.now()): Promise<{ key: GatewayKey; secret: string }> {
    this.assertOpen();
    const { key, secret, hash } = buildKey(input, now);
    this.db.prepare(keySql.insertKeySql).run(...keySql.encodeKey(key, hash));
    return { key, secret };
  }

  async listKeys(): Promise<GatewayKey[]> {
    this.assertOpen();
    return this.db.prepare(keySql.selectKeysSql).all().filter(isRow).map(keySql.decodeKey);
  }

  async keyByHash(hash: string): Promise<GatewayKey | undefined> {
    this.assertOpen();
    const row: unknown = this.db.prepare(keySql.selectKeyByHashSql).get(hash);
    return isRow(row) ? keySql.decodeKey(row) : undefined;
  }

  async revokeKey(id: string, now = Date.now()): Promise<boolean> {
    this.assertOpen();
    return this.db.prepare(keySql.revokeKeySql).run(now, id).changes > 0;
  }

  async spentSince(keyId: string, since: number): Promise<number> {
    this.flushBeforeRead();
    const row: unknown = this.db.prepare(keySql.spentSinceSql).get(keyId, since);
    return isRow(row) ? Number(row['spent'] ?? 0) : 0;
  }

  async saveCalibration(calibration: Calibration): Promise<void> {
    this.assertOpen();
    this.calibrationTable.save(calibration);
  }

  async calibrations(query: CalibrationQuery = {}): Promise<Calibration[]> {
    this.assertOpen();
    return this.calibrationTable.list(query);
  }

  activeCalibrations(): Calibration[] {
    this.assertOpen();
    return this.calibrationTable.activeSet();
  }

  async rollback(router: string, at: number = Date.now()): Promise<Calibration | null> {
    this.assertOpen();
    return this.calibrationTable.rollback(router, at);
  }

  async saveShadowLabel(label: NewShadowLabel): Promise<ShadowLabel> {
    this.assertOpen();
    return this.shadowLabelTable.save(label);
  }

  async shadowLabels(query: ShadowLabelQuery = {}): Promise<ShadowLabel[]> {
    this.assertOpen();
    return this.shadowLabelTable.list(query);
  }

  async shadowSpend(query: ShadowLabelQuery = {}): Promise<ShadowSpend> {
    this.assertOpen();
    return this.shadowLabelTable.spent(query);
  }

  async saveModelVersion(version: ModelVersion): Promise<void> {
    this.assertOpen();
    this.modelVersionTable.save(version);
  }

  async modelVersions(query: ModelVersionQuery = {}): Promise<ModelVersion[]> {
    this.assertOpen();
    return this.modelVersionTable.list(query);
  }

  activeModelVersions(): ModelVersion[] {
    this.assertOpen();
    return this.modelVersionTable.active();
  }

  async activateModelVersion(id: string, at: number = Date.now()): Promise<ModelVersion> {
    this.assertOpen();
    return this.modelVersionTable.activate(id, at);
  }

  async rollbackModelVersion(line: string, at: number = Date.now()): Promise<ModelVersion | null> {
    this.assertOpen();
    return this.modelVersionTable.rollback(line, at);
  }

  /** Outcomes and shadow verdicts with their decisions, for `triage labels export`. */
  async labelEvidence(query: LabelEvidenceQuery = {}): Promise<LabelEvidence> {
    this.flushBeforeRead();
    return readLabelEvidence(this.db, query);
  }

  async recordAudit(entry: AuditEntry): Promise<void> {
    this.assertOpen();
    this.dashboardTables.recordAudit(entry);
  }

  async auditEntries(limit: number): Promise<AuditEntry[]> {
    this.assertOpen();
    return this.dashboardTables.auditEntries(limit);
  }

  async outcomesPerDay(query: LabelQuery = {}): Promise<LabelDay[]> {
    this.assertOpen();
    return this.dashboardTables.outcomesPerDay(query);
  }

  async shadowLabelsPerDay(query: LabelQuery = {}): Promise<LabelDay[] | null> {
    this.assertOpen();
    return this.dashboardTables.shadowLabelsPerDay(query);
  }

  async gateVerdicts(limit: number): Promise<OptionalTableRows | null> {
    this.assertOpen();
    return this.dashboardTables.gateVerdicts(limit);
  }

  /** One batch of retention pruning (store/retention.ts). */
  async pruneBefore(cutoff: number, batchSize: number): Promise<PruneResult> {
    this.assertOpen();
    return pruneSqliteBefore(this.db, cutoff, batchSize);
  }

  /** For /healthz: the file answers a trivial query. */
  async ping(): Promise<void> {
    this.assertOpen();
    this.db.prepare('SELECT 1').get();
  }

  stats(): DecisionStoreStats {
    const { pendingRows, droppedRows, writeFailures } = this.queue;
    return { pendingRows, droppedRows, writeFailures };
  }

  /** Flushes (retrying while locked, up to closeTimeoutMs), then closes; rows still unwritten are counted as dropped. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const failure = await flushUntilDeadline(() => this.queue.flushAll(), this.closeTimeoutMs, 50);
    const lost = this.queue.stop().length;
    if (lost > 0) {
      this.queue.droppedRows += lost;
      this.report(new Error(`decision log closed with ${lost} rows unwritten`));
    }
    this.db.close();
    if (failure !== undefined) throw failure;
  }

  private flushBeforeRead(): void {
    this.assertOpen();
    try {
      this.queue.flushAll();
    } catch {
      // Already reported through onError; answer from what is on disk.
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

/** Opens (creating parent folders and the schema as needed) a decision log file, or ":memory:". */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteDecisionStore {
  if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    // Opening may wait for another process's lock (start-up, not the request path); writes later may not.
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    applyMigrations(db, migrations);
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 0))}`);
  } catch (error) {
    db.close();
    throw error;
  }
  return new SqliteDecisionStore(db, options);
}
