// A DecisionStore view that reads each decisions() query once: a curve replays the same window at
// twenty-one strong shares, and the log need not be read twenty-one times. Everything else goes
// straight to the store it wraps. Lives for one API call.

import type {
  CostSummaryRow, DecisionOutcome, DecisionQuery, DecisionRecord, DecisionStore, DecisionStoreStats, UsageCell, UsageGroupBy,
} from '../../store/store.ts';

export class ReadOnceStore implements DecisionStore {
  readonly #reads = new Map<string, Promise<DecisionRecord[]>>();
  constructor(private readonly inner: DecisionStore) {}

  log(record: DecisionRecord): void {
    this.inner.log(record);
  }
  flush(): Promise<void> {
    return this.inner.flush();
  }
  decisions(query: DecisionQuery = {}): Promise<DecisionRecord[]> {
    const key = JSON.stringify([query.since, query.until, query.router, query.limit]);
    let read = this.#reads.get(key);
    if (!read) {
      read = this.inner.decisions(query);
      this.#reads.set(key, read);
    }
    return read;
  }
  get(id: string): Promise<DecisionRecord | undefined> {
    return this.inner.get(id);
  }
  costByTag(tag: string, query?: DecisionQuery): Promise<CostSummaryRow[]> {
    return this.inner.costByTag(tag, query);
  }
  usageBreakdown(groupBy: UsageGroupBy, query?: DecisionQuery): Promise<UsageCell[]> {
    return this.inner.usageBreakdown(groupBy, query);
  }
  recordOutcome(outcome: DecisionOutcome): Promise<void> {
    return this.inner.recordOutcome(outcome);
  }
  outcomes(decisionId: string): Promise<DecisionOutcome[]> {
    return this.inner.outcomes(decisionId);
  }
  stats(): DecisionStoreStats {
    return this.inner.stats();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
