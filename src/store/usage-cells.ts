// Usage breakdown over DecisionRecords in memory: the same cells the SQLite store computes with one
// GROUP BY (sqlite/queries.ts), for the memory store and for callers that already hold rows.
// Which request class a row belongs to, and its group key per dimension, are defined here.

import type { DecisionRecord, RequestClass, UsageCell, UsageDimension, UsageGroupBy } from './store.ts';

/** Rejected requests first (they may carry either kind), then dry runs, then upstream calls. */
export function requestClassOf(record: DecisionRecord): RequestClass {
  if (record.reason === 'rejected') return 'rejected';
  return record.kind === 'route' ? 'dry-run' : 'upstream';
}

/** "YYYY-MM-DD" of an epoch-millisecond time, in UTC. */
export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

const columnKey: Record<Exclude<UsageDimension, 'tag'>, (record: DecisionRecord) => string> = {
  mode: (record) => record.mode ?? '',
  task: (record) => record.taskType ?? '',
  router: (record) => record.router ?? '',
  model: (record) => record.modelAlias ?? '',
  day: (record) => utcDay(record.createdAt),
};

export function groupKeyOf(groupBy: UsageGroupBy, record: DecisionRecord): string {
  if (groupBy.dimension === 'tag') return Object.hasOwn(record.tags, groupBy.tag) ? (record.tags[groupBy.tag] ?? '') : '';
  return columnKey[groupBy.dimension](record);
}

export function usageCells(records: Iterable<DecisionRecord>, groupBy: UsageGroupBy): UsageCell[] {
  const cells = new Map<string, UsageCell>();
  for (const record of records) {
    const key = groupKeyOf(groupBy, record);
    const requestClass = requestClassOf(record);
    const { router, modelAlias, tier } = record;
    const id = JSON.stringify([key, requestClass, router, modelAlias, tier]);
    let cell = cells.get(id);
    if (!cell) {
      cell = { key, requestClass, router, modelAlias, tier, requests: 0, promptTokens: 0, cachedTokens: 0, completionTokens: 0, costUsd: 0 };
      cells.set(id, cell);
    }
    const prompt = record.promptTokens ?? 0;
    cell.requests += 1;
    cell.promptTokens += prompt;
    cell.cachedTokens += Math.min(record.cachedTokens ?? 0, prompt);
    cell.completionTokens += record.completionTokens ?? 0;
    cell.costUsd += record.costUsd ?? 0;
  }
  return [...cells.values()];
}
