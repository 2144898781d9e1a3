// Test helper for the usage report: a config with known prices, seeded decision rows of every kind
// (routed, pass-through, unknown router, dry runs, rejections, null usage, over-counted cached
// tokens), and the report's figures computed directly, row by row, without the code under test.

import { costUsd } from '../../src/routing/cost.ts';
import type { TriageConfig } from '../../src/config/types.ts';
import type { DecisionRecord, Tier } from '../../src/store/store.ts';
import { seededRandom } from '../../src/eval/prng.ts';
import { makeDecision } from '../store/fixtures/decision.ts';

/** Raw config (write it as JSON for --config, or pass it to parseConfig). */
export const reportConfigRaw = {
  providers: { up: { baseUrl: 'http://127.0.0.1:9/v1' } },
  models: {
    big: { provider: 'up', id: 'big-1', pricePerMTok: { input: 10, output: 30, cachedInput: 1 } },
    huge: { provider: 'up', id: 'huge-1', pricePerMTok: { input: 20, output: 60 } },
    small: { provider: 'up', id: 'small-1', pricePerMTok: { input: 1, output: 2, cachedInput: 0.1 } },
  },
  routers: {
    default: { strong: 'big', weak: 'small', scorer: 'random' },
    deep: { strong: 'huge', weak: 'small', scorer: 'random' },
  },
  defaultRouter: 'default',
};

/** A routed weak call on the default router; built on the store tests' fixture so new fields arrive here too. */
export function usageRecord(overrides: Partial<DecisionRecord>): DecisionRecord {
  return makeDecision({
    id: 'id', createdAt: 0, kind: 'chat', router: 'default', scorer: 'random', tags: {}, mode: null, taskType: null,
    promptHash: 'h', promptText: null, score: 0.5, threshold: 0.5, tier: 'weak', reason: 'score<threshold',
    modelAlias: 'small', modelId: 'small-1', provider: 'up', fallbackUsed: false, stream: false, status: 200,
    error: null, promptTokens: 100, completionTokens: 10, cachedTokens: 0, costUsd: 0.0001, decisionMs: 1,
    latencyMs: 10, ttfbMs: 5, ...overrides,
  });
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** `count` rows spread over the `days` days before `nowMs`, reproducible from `seed`. */
export function seededRows(count: number, seed: number, nowMs: number, days = 10): DecisionRecord[] {
  const random = seededRandom(seed);
  const rows: DecisionRecord[] = [];
  for (let i = 0; i < count; i += 1) {
    const router = pick(random, ['default', 'default', 'deep', 'retired', null] as const);
    const strongAlias = router === 'deep' ? 'huge' : 'big';
    const tier: Tier | null = router === null ? null : random() < 0.3 ? 'strong' : 'weak';
    const modelAlias = tier === 'strong' ? strongAlias : pick(random, ['small', 'small', 'big']);
    const kind = random() < 0.1 ? 'route' : 'chat';
    const rejected = random() < 0.05;
    const noUsage = rejected || kind === 'route' || random() < 0.05;
    const promptTokens = noUsage ? null : 1 + Math.floor(random() * 5000);
    rows.push(usageRecord({
      id: `row-${seed}-${i}`,
      createdAt: nowMs - Math.floor(random() * days * 86_400_000),
      kind,
      reason: rejected ? 'rejected' : tier === 'strong' ? 'score>=threshold' : router === null ? 'passthrough' : 'score<threshold',
      router: rejected ? null : router,
      tier: rejected ? null : tier,
      modelAlias: rejected ? null : modelAlias,
      status: rejected ? 400 : 200,
      tags: random() < 0.8 ? { team: pick(random, ['search', 'chat, support', '=SUM(A1)', 'ops']) } : {},
      mode: pick(random, ['plan', 'code', null]),
      taskType: pick(random, ['math', 'coding', null]),
      promptTokens,
      // Sometimes more cached tokens than prompt tokens (a misbehaving upstream): billed as all cached.
      cachedTokens: promptTokens === null ? null : Math.floor(random() * promptTokens * 1.2),
      completionTokens: noUsage ? null : Math.floor(random() * 800),
      costUsd: noUsage ? null : random() * 0.01,
    }));
  }
  return rows;
}

export interface DirectFigures {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  allStrongCostUsd: number;
  routedRequests: number;
  strongRequests: number;
  passthroughRequests: number;
  unpricedRequests: number;
}

export interface DirectReport {
  upstream: DirectFigures;
  groups: Map<string, DirectFigures>;
  dryRuns: number;
  rejected: number;
}

const zero = (): DirectFigures => ({
  requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0, allStrongCostUsd: 0, routedRequests: 0,
  strongRequests: 0, passthroughRequests: 0, unpricedRequests: 0,
});

/** The report's figures, computed one row at a time from the rows and the config. */
export function directReport(rows: readonly DecisionRecord[], config: TriageConfig, keyOf: (row: DecisionRecord) => string): DirectReport {
  const report: DirectReport = { upstream: zero(), groups: new Map(), dryRuns: 0, rejected: 0 };
  for (const row of rows) {
    if (row.reason === 'rejected') {
      report.rejected += 1;
      continue;
    }
    if (row.kind === 'route') {
      report.dryRuns += 1;
      continue;
    }
    const own = row.costUsd ?? 0;
    const routerConfig = row.router === null ? undefined : config.routers[row.router];
    let allStrong = own;
    if (routerConfig && row.modelAlias !== routerConfig.strong) {
      const usage = { promptTokens: row.promptTokens ?? 0, completionTokens: row.completionTokens ?? 0, cachedTokens: row.cachedTokens ?? 0 };
      allStrong = costUsd(usage, config.models[routerConfig.strong]!.pricePerMTok);
    }
    const key = keyOf(row);
    const group = report.groups.get(key) ?? zero();
    report.groups.set(key, group);
    for (const figures of [report.upstream, group]) {
      figures.requests += 1;
      figures.promptTokens += row.promptTokens ?? 0;
      figures.completionTokens += row.completionTokens ?? 0;
      figures.costUsd += own;
      figures.allStrongCostUsd += allStrong;
      if (row.router === null) figures.passthroughRequests += 1;
      else figures.routedRequests += 1;
      if (row.router !== null && row.tier === 'strong') figures.strongRequests += 1;
      if (row.router !== null && !routerConfig) figures.unpricedRequests += 1;
    }
  }
  return report;
}
