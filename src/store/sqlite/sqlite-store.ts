// SqliteDecisionStore: the DecisionStore on better-sqlite3 (WAL, synchronous=NORMAL, busy_timeout).
// log() only encodes and queues; WriteQueue batches rows into one transaction per batch. Reads
// flush first so callers see their own writes; outcomes are written directly.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type {
  CostSummaryRow, DecisionOutcome, DecisionQuery, DecisionRecord, DecisionStore, DecisionStoreStats,
} from '../store.ts';
import type { Calibration, CalibrationQuery, LearningStore } from '../learning-store.ts';
import { CalibrationTable } from './calibrations.ts';
import { applyMigrations } from './migrate.ts';
import { migrations } from './migrations.ts';
import * as sql from './queries.ts';
import { decodeDecision, decodeOutcome, encodeDecision, type EncodedDecision } from './rows.ts';
import { WriteQueue } from './write-queue.ts';

export interface SqliteStoreOptions {
  /** Longest a logged row waits before it is written (default 200 ms). */
  flushIntervalMs?: number;
  /** Rows per transaction; a full batch is written on the next tick (default 256). */
  batchSize?: number;
  /** Queued rows beyond this are dropped and counted (default 100 000). */
  maxQueue?: number;
  /** How long a write waits for another connection's lock (default 1000 ms; it blocks the loop). */
  busyTimeoutMs?: number;
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

export class SqliteDecisionStore implements DecisionStore, LearningStore {
  private readonly queue: WriteQueue<EncodedDecision>;
  private readonly calibrationTable: CalibrationTable;
  private readonly onError: (error: Error, pendingRows: number) => void;
  private closed = false;

  constructor(
    private readonly db: Database.Database,
    options: SqliteStoreOptions = {},
  ) {
    this.onError = options.onError ?? defaultOnError;
    this.calibrationTable = new CalibrationTable(db);
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

  async recordOutcome(outcome: DecisionOutcome): Promise<void> {
    this.assertOpen();
    const { decisionId, createdAt, source, rating, label } = outcome;
    this.db.prepare(sql.insertOutcomeSql).run(decisionId, createdAt, source, rating, label);
  }

  async outcomes(decisionId: string): Promise<DecisionOutcome[]> {
    this.assertOpen();
    return this.db.prepare(sql.selectOutcomesSql).all(decisionId).filter(isRow).map(decodeOutcome);
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

  stats(): DecisionStoreStats {
    const { pendingRows, droppedRows, writeFailures } = this.queue;
    return { pendingRows, droppedRows, writeFailures };
  }

  /** Flushes, then closes the database; rows that still cannot be written are counted as dropped. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let failure: unknown;
    try {
      this.queue.flushAll();
    } catch (thrown) {
      failure = thrown;
    }
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
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 1000))}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    applyMigrations(db, migrations);
  } catch (error) {
    db.close();
    throw error;
  }
  return new SqliteDecisionStore(db, options);
}
