// MemoryDecisionStore: a DecisionStore kept in process memory, for tests of other layers and for
// `triage route` without a database. Same semantics as the SQLite store (it runs the same
// conformance suite), except log() is visible at once and nothing survives the process.

import { summariseCost } from './cost-summary.ts';
import { buildKey, type GatewayKey, type KeyStore, type NewGatewayKey } from './keys.ts';
import type {
  CostSummaryRow, DecisionOutcome, DecisionQuery, DecisionRecord, DecisionStore, DecisionStoreStats,
} from './store.ts';

function copyRecord(record: DecisionRecord): DecisionRecord {
  return { ...record, tags: { ...record.tags } };
}

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

export class MemoryDecisionStore implements DecisionStore, KeyStore {
  private readonly keys: Array<{ key: GatewayKey; hash: string }> = [];
  /** In log order; a re-logged id moves to the end (like INSERT OR REPLACE). */
  private readonly records = new Map<string, DecisionRecord>();
  private readonly outcomeList: DecisionOutcome[] = [];
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
