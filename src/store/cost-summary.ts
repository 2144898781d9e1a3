// Adds up requests, tokens and cost of decision rows per key (a tag value, a model alias, ...),
// most expensive first, ties by key in code-point order (as SQLite's ORDER BY key does).

import type { CostSummaryRow, DecisionRecord } from './store.ts';

export function summariseCost(records: Iterable<DecisionRecord>, keyOf: (record: DecisionRecord) => string): CostSummaryRow[] {
  const byKey = new Map<string, CostSummaryRow>();
  for (const record of records) {
    const key = keyOf(record);
    const row = byKey.get(key) ?? { key, requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };
    row.requests += 1;
    row.promptTokens += record.promptTokens ?? 0;
    row.completionTokens += record.completionTokens ?? 0;
    row.costUsd += record.costUsd ?? 0;
    byKey.set(key, row);
  }
  return [...byKey.values()].sort((a, b) => b.costUsd - a.costUsd || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
