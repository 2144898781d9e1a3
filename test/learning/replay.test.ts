// Replay on a real SQLite log: re-thresholded share, cost and saving equal a direct computation
// over the same rows; --strong-share finds the matching threshold; re-scoring with the shipped
// learned model from logged feature vectors gives the same scores as scoring the text.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/eval/prng.ts';
import { runReplay } from '../../src/learning/replay.ts';
import { parseWindow } from '../../src/learning/window.ts';
import { costUsd } from '../../src/routing/cost.ts';
import { createLearnedScorer } from '../../src/scoring/learned.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import type { DecisionRecord } from '../../src/store/store.ts';
import { makeDecision } from '../store/fixtures/decision.ts';
import { suiteTempDir } from '../support/temp-dir.ts';

const prices = { strong: { input: 2, output: 8, cachedInput: 0.5 }, weak: { input: 0.1, output: 0.2 } };

describe('triage replay', () => {
  const dir = suiteTempDir('triage-replay-');
  const now = 1_800_000_000_000;

  function rows(): DecisionRecord[] {
    const random = seededRandom(9);
    return Array.from({ length: 400 }, (_, i) => {
      const forced = i % 8 === 0;
      const score = forced ? null : random();
      const tier = forced ? 'strong' : (score as number) >= 0.5 ? 'strong' : 'weak';
      const usage = { promptTokens: 100 + Math.floor(random() * 900), completionTokens: Math.floor(random() * 300), cachedTokens: i % 3 === 0 ? 50 : 0 };
      return makeDecision({
        id: `d${i}`, createdAt: now - i * 1000, router: 'default', kind: 'chat', mode: forced ? 'plan' : null,
        score, threshold: 0.5, tier, reason: forced ? 'mode:plan' : tier === 'strong' ? 'score>=threshold' : 'score<threshold',
        modelAlias: tier, ...usage, costUsd: costUsd(usage, prices[tier]), status: 200, features: null,
      });
    });
  }

  it('re-thresholding matches a direct computation over the same rows', async () => {
    const store = openSqliteStore(join(dir.path, 'a.db'));
    const logged = rows();
    for (const row of logged) store.log(row);
    store.log(makeDecision({ id: 'dry', kind: 'route', router: 'default', createdAt: now }));
    store.log(makeDecision({ id: 'other', router: 'elsewhere', createdAt: now }));
    const result = await runReplay({ store, routerName: 'default', window: parseWindow('1d'), policy: { kind: 'threshold', threshold: 0.7 }, prices, now });
    let strong = 0;
    let cost = 0;
    let allStrong = 0;
    for (const row of logged) {
      const usage = { promptTokens: row.promptTokens!, completionTokens: row.completionTokens!, cachedTokens: row.cachedTokens! };
      const tier = row.score === null ? 'strong' : row.score >= 0.7 ? 'strong' : 'weak';
      if (tier === 'strong') strong++;
      cost += costUsd(usage, prices[tier]);
      allStrong += costUsd(usage, prices.strong);
    }
    expect(result.actual.requests).toBe(400);
    expect(result.actual.strongShare).toBeCloseTo(logged.filter((r) => r.tier === 'strong').length / 400, 12);
    expect(result.actual.costUsd).toBeCloseTo(logged.reduce((s, r) => s + r.costUsd!, 0), 12);
    expect(result.projected.strongShare).toBeCloseTo(strong / 400, 12);
    expect(result.projected.costUsd).toBeCloseTo(cost, 12);
    expect(result.allStrongCostUsd).toBeCloseTo(allStrong, 12);
    expect(result.savingUsd).toBeCloseTo(allStrong - cost, 12);

    const byShare = await runReplay({ store, routerName: 'default', window: parseWindow('1000'), policy: { kind: 'strongShare', strongShare: 0.4 }, prices, now });
    expect(byShare.projected.strongShare).toBeCloseTo(0.4, 2);
    await store.close();
  });

  it('re-scores logged feature vectors with a learned model, equal to scoring the text', async () => {
    const scorer = await createLearnedScorer();
    const store = openSqliteStore(join(dir.path, 'b.db'));
    try {
      const prompts = ['Prove that there are infinitely many primes.', 'hi there', 'Write a haiku about autumn rain.', 'Implement a red-black tree in Rust with deletion.'];
      const direct: number[] = [];
      for (const [i, prompt] of prompts.entries()) {
        const scored = await scorer.score({ model: 'triage', messages: [{ role: 'user', content: prompt }] });
        direct.push(scored.score);
        store.log(makeDecision({
          id: `v${i}`, createdAt: now - i, router: 'default', kind: 'chat', score: 0.01, tier: 'weak', reason: 'score<threshold',
          promptText: null, features: scored.features ?? null, promptTokens: 10, completionTokens: 10, cachedTokens: 0, costUsd: 0,
        }));
      }
      const threshold = [...direct].sort((a, b) => a - b)[2]!;
      const result = await runReplay({ store, routerName: 'default', window: parseWindow('1d'), policy: { kind: 'threshold', threshold }, prices, scorer, now });
      expect(result.rescored).toBe(4);
      expect(result.notRescorable).toBe(0);
      expect(result.projected.strongShare).toBe(direct.filter((s) => s >= threshold).length / 4);
      expect(result.actual.strongShare).toBe(0);
    } finally {
      await scorer.close();
      await store.close();
    }
  });
});
