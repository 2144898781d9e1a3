// MemoryDecisionStore: a DecisionStore kept in process memory, for tests of other layers and for
// `triage route` without a database. Same semantics as the SQLite store (it runs the same
// conformance suite), except log() is visible at once and nothing survives the process.

import { summariseCost } from './cost-summary.ts';
import { buildKey, type GatewayKey, type KeyStore, type NewGatewayKey } from './keys.ts';
import {
  activePerRouter, CalibrationSchema, NothingToRollBackError, targetKey, type Calibration, type CalibrationQuery, type LearningStore,
} from './learning-store.ts';
import {
  NewShadowLabelSchema, type NewShadowLabel, type ShadowLabel, type ShadowLabelQuery, type ShadowSpend,
} from './shadow-labels.ts';
import type {
  CostSummaryRow, DecisionOutcome, DecisionQuery, DecisionRecord, DecisionStore, DecisionStoreStats,
  UsageCell, UsageGroupBy,
} from './store.ts';
import { usageCells } from './usage-cells.ts';
import { AuditEntrySchema, utcDay, type AuditEntry, type DashboardStore, type LabelDay, type LabelQuery, type OptionalTableRows } from './dashboard-store.ts';

function copyRecord(record: DecisionRecord): DecisionRecord {
  const copy = { ...record, tags: { ...record.tags } };
  if (record.features) copy.features = { layout: record.features.layout, vector: Float32Array.from(record.features.vector) };
  return copy;
}

const copyCalibration = (c: Calibration): Calibration => structuredClone(c);

function matches(record: DecisionRecord, query: DecisionQuery): boolean {
  if (query.since !== undefined && record.createdAt < query.since) return false;
  if (query.until !== undefined && record.createdAt >= query.until) return false;
  if (query.router !== undefined && record.router !== query.router) return false;
  return true;
}

function applyLimit<T>(rows: T[], limit: number | undefined): T[] {
  if (limit === undefined) return rows;
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
  return rows.slice(0, limit);
}

export class MemoryDecisionStore implements DecisionStore, KeyStore, LearningStore, DashboardStore {
  private readonly keys: Array<{ key: GatewayKey; hash: string }> = [];
  /** In save order. */
  private readonly calibrationList: Calibration[] = [];
  /** In save order; ids are 1, 2, 3, ... */
  private readonly shadowLabelList: ShadowLabel[] = [];
  /** In log order; a re-logged id moves to the end (like INSERT OR REPLACE). */
  private readonly records = new Map<string, DecisionRecord>();
  private readonly outcomeList: DecisionOutcome[] = [];
  private readonly auditList: AuditEntry[] = [];
  private droppedRows = 0;
  private closed = false;

  log(record: DecisionRecord): void {
    if (this.closed) {
      this.droppedRows += 1;
      return;
    }
    try {
      this.records.delete(record.id);
      this.records.set(record.id, copyRecord(record));
    } catch {
      this.droppedRows += 1;
    }
  }

  async flush(): Promise<void> {}

  async decisions(query: DecisionQuery = {}): Promise<DecisionRecord[]> {
    this.assertOpen();
    const newestFirst = [...this.records.values()]
      .map((record, index) => ({ record, index }))
      .filter(({ record }) => matches(record, query))
      .sort((a, b) => b.record.createdAt - a.record.createdAt || b.index - a.index)
      .map(({ record }) => copyRecord(record));
    return applyLimit(newestFirst, query.limit);
  }

  async get(id: string): Promise<DecisionRecord | undefined> {
    this.assertOpen();
    const record = this.records.get(id);
    return record ? copyRecord(record) : undefined;
  }

  async costByTag(tag: string, query: DecisionQuery = {}): Promise<CostSummaryRow[]> {
    this.assertOpen();
    const selected = [...this.records.values()].filter((record) => matches(record, query));
    const sorted = summariseCost(selected, (record) => (Object.hasOwn(record.tags, tag) ? (record.tags[tag] ?? '') : ''));
    return applyLimit(sorted, query.limit);
  }

  async createKey(input: NewGatewayKey, now = Date.now()): Promise<{ key: GatewayKey; secret: string }> {
    this.assertOpen();
    const { key, secret, hash } = buildKey(input, now);
    this.keys.push({ key, hash });
    return { key: structuredClone(key), secret };
  }

  async listKeys(): Promise<GatewayKey[]> {
    this.assertOpen();
    return this.keys.map(({ key }) => structuredClone(key));
  }

  async keyByHash(hash: string): Promise<GatewayKey | undefined> {
    this.assertOpen();
    const found = this.keys.find((entry) => entry.hash === hash);
    return found ? structuredClone(found.key) : undefined;
  }

  async revokeKey(id: string, now = Date.now()): Promise<boolean> {
    this.assertOpen();
    const found = this.keys.find((entry) => entry.key.id === id);
    if (!found) return false;
    found.key.revokedAt ??= now;
    return true;
  }

  async spentSince(keyId: string, since: number): Promise<number> {
    this.assertOpen();
    let spent = 0;
    for (const record of this.records.values()) if (record.keyId === keyId && record.createdAt >= since) spent += record.costUsd ?? 0;
    return spent;
  }

  async usageBreakdown(groupBy: UsageGroupBy, query: DecisionQuery = {}): Promise<UsageCell[]> {
    this.assertOpen();
    return usageCells([...this.records.values()].filter((record) => matches(record, query)), groupBy);
  }

  async recordOutcome(outcome: DecisionOutcome): Promise<void> {
    this.assertOpen();
    const same = this.outcomeList.findIndex((o) => o.decisionId === outcome.decisionId && o.source === outcome.source);
    if (same !== -1) this.outcomeList.splice(same, 1);
    this.outcomeList.push({ ...outcome });
  }

  async outcomes(decisionId: string): Promise<DecisionOutcome[]> {
    this.assertOpen();
    return this.outcomeList
      .filter((outcome) => outcome.decisionId === decisionId)
      .map((outcome, index) => ({ outcome, index }))
      .sort((a, b) => a.outcome.createdAt - b.outcome.createdAt || a.index - b.index)
      .map(({ outcome }) => ({ ...outcome }));
  }

  async recordAudit(entry: AuditEntry): Promise<void> {
    this.assertOpen();
    this.auditList.push(structuredClone(AuditEntrySchema.parse(entry)));
  }

  async auditEntries(limit: number): Promise<AuditEntry[]> {
    this.assertOpen();
    return this.auditList
      .map((entry, index) => ({ entry, index }))
      .sort((a, b) => b.entry.createdAt - a.entry.createdAt || b.index - a.index)
      .slice(0, limit)
      .map(({ entry }) => structuredClone(entry));
  }

  async outcomesPerDay(query: LabelQuery = {}): Promise<LabelDay[]> {
    this.assertOpen();
    const cells = new Map<string, { day: string; source: string; count: number; ratings: number; sum: number }>();
    for (const o of this.outcomeList) {
      if ((query.since !== undefined && o.createdAt < query.since) || (query.until !== undefined && o.createdAt >= query.until)) continue;
      const day = utcDay(o.createdAt);
      const key = `${day}\u0000${o.source}`;
      const c = cells.get(key) ?? { day, source: o.source, count: 0, ratings: 0, sum: 0 };
      c.count += 1;
      if (o.rating !== null) {
        c.ratings += 1;
        c.sum += o.rating;
      }
      cells.set(key, c);
    }
    const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
    return [...cells.values()]
      .sort((a, b) => byText(a.day, b.day) || byText(a.source, b.source))
      .map((c) => ({ day: c.day, source: c.source, count: c.count, meanRating: c.ratings > 0 ? c.sum / c.ratings : null }));
  }

  /** Shadow-judge labels per UTC day and label kind ("shadow:<label>"), oldest day first. */
  async shadowLabelsPerDay(query: LabelQuery = {}): Promise<LabelDay[] | null> {
    this.assertOpen();
    const cells = new Map<string, LabelDay>();
    for (const label of this.shadowLabelList) {
      if (query.since !== undefined && label.ts < query.since) continue;
      if (query.until !== undefined && label.ts >= query.until) continue;
      const day = utcDay(label.ts);
      const source = `shadow:${label.label}`;
      const key = `${day} ${source}`;
      const cell = cells.get(key) ?? { day, source, count: 0, meanRating: null };
      cell.count += 1;
      cells.set(key, cell);
    }
    const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
    return [...cells.values()].sort((a, b) => byText(a.day, b.day) || byText(a.source, b.source));
  }

  /** The memory store keeps no model versions, so it has no gate verdicts. */
  async gateVerdicts(): Promise<OptionalTableRows | null> {
    this.assertOpen();
    return null;
  }

  async saveCalibration(calibration: Calibration): Promise<void> {
    this.assertOpen();
    const parsed = CalibrationSchema.parse(calibration);
    if (this.calibrationList.some((c) => c.id === parsed.id)) throw new Error(`calibration ${parsed.id} already exists`);
    this.calibrationList.push(copyCalibration(parsed));
  }

  async calibrations(query: CalibrationQuery = {}): Promise<Calibration[]> {
    this.assertOpen();
    const selected = this.newestFirst().filter((c) => query.router === undefined || c.router === query.router);
    return applyLimit(selected, query.limit).map(copyCalibration);
  }

  activeCalibrations(): Calibration[] {
    this.assertOpen();
    const seen = new Set<string>();
    return this.newestFirst()
      .filter((c) => {
        const key = `${c.router}\u0000${targetKey(c.target)}`;
        if (c.rolledBackAt !== null || seen.has(key)) return false;
        seen.add(key);
        return true;
      })
      .map(copyCalibration);
  }

  async rollback(router: string, at: number = Date.now()): Promise<Calibration | null> {
    this.assertOpen();
    const current = activePerRouter(this.activeCalibrations()).find((c) => c.router === router);
    if (!current) throw new NothingToRollBackError(`router "${router}" has no active calibration to roll back`);
    const stored = this.calibrationList.find((c) => c.id === current.id);
    if (stored) stored.rolledBackAt = at;
    return activePerRouter(this.activeCalibrations()).find((c) => c.router === router) ?? null;
  }

  async saveShadowLabel(label: NewShadowLabel): Promise<ShadowLabel> {
    this.assertOpen();
    const saved: ShadowLabel = { ...NewShadowLabelSchema.parse(label), id: this.shadowLabelList.length + 1 };
    this.shadowLabelList.push(saved);
    return { ...saved };
  }

  async shadowLabels(query: ShadowLabelQuery = {}): Promise<ShadowLabel[]> {
    this.assertOpen();
    return applyLimit(this.selectShadowLabels(query), query.limit).map((l) => ({ ...l }));
  }

  async shadowSpend(query: ShadowLabelQuery = {}): Promise<ShadowSpend> {
    this.assertOpen();
    const selected = this.selectShadowLabels(query);
    return { labels: selected.length, costUsd: selected.reduce((sum, l) => sum + l.costUsd, 0) };
  }

  private selectShadowLabels(query: ShadowLabelQuery): ShadowLabel[] {
    return this.shadowLabelList
      .filter((l) => (query.since === undefined || l.ts >= query.since) && (query.until === undefined || l.ts < query.until))
      .filter((l) => query.router === undefined || l.router === query.router)
      .sort((a, b) => b.ts - a.ts || b.id - a.id);
  }

  private newestFirst(): Calibration[] {
    return this.calibrationList
      .map((c, index) => ({ c, index }))
      .sort((a, b) => b.c.createdAt - a.c.createdAt || b.index - a.index)
      .map(({ c }) => c);
  }

  stats(): DecisionStoreStats {
    return { pendingRows: 0, droppedRows: this.droppedRows, writeFailures: 0 };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('decision store is closed');
  }
}
