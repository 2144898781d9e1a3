// Replay on a small log worked out by hand (a real SQLite file): every request re-priced at the
// tier the policy gives it, forced requests kept at their logged tier, a score equal to the
// threshold sent strong, missing costs and tokens counted as 0, and the saving against all-strong.
// Re-scoring with the shipped learned model uses the logged vector, else the logged text, and a
// row with neither keeps its logged tier.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReplay } from '../../src/learning/replay.ts';
import { parseWindow } from '../../src/learning/window.ts';
import { createLearnedScorer } from '../../src/scoring/learned.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import type { DecisionRecord } from '../../src/store/store.ts';
import { makeDecision } from '../store/fixtures/decision.ts';
import { suiteTempDir } from '../support/temp-dir.ts';

// A million prompt tokens and no completion: $4 on the strong model, $1 on the weak one.
const prices = { strong: { input: 4, output: 8 }, weak: { input: 1, output: 2 } };
const million = { promptTokens: 1_000_000, completionTokens: 0, cachedTokens: 0 };
const now = 1_800_000_000_000;

function logged(id: string, age: number, fields: Partial<DecisionRecord>): DecisionRecord {
  return makeDecision({ id, createdAt: now - age, router: 'default', kind: 'chat', features: null, promptText: null, ...million, ...fields });
}

const log = [
  logged('top', 1, { score: 0.8, tier: 'strong', reason: 'score>=threshold', costUsd: 4 }),
  logged('edge', 2, { score: 0.5, tier: 'weak', reason: 'score<threshold', costUsd: 1 }),
  logged('low', 3, { score: 0.3, tier: 'weak', reason: 'score<threshold', costUsd: 1 }),
  logged('plan', 4, { score: null, tier: 'strong', reason: 'mode:plan', costUsd: null }),
  logged('chat', 5, { score: 0.9, tier: 'weak', reason: 'task-type:chat', costUsd: 1 }),
];

describe('runReplay by hand', () => {
  const dir = suiteTempDir('triage-replay-hand-');

  async function withStore<T>(name: string, rows: readonly DecisionRecord[], body: (store: ReturnType<typeof openSqliteStore>) => Promise<T>): Promise<T> {
    const store = openSqliteStore(join(dir.path, name));
    for (const row of rows) store.log(row);
    try {
      return await body(store);
    } finally {
      await store.close();
    }
  }

  it('a threshold: re-prices each request at its new tier, forced ones at their logged tier', async () => {
    const result = await withStore('a.db', log, (store) =>
      runReplay({ store, routerName: 'default', window: parseWindow('1d'), policy: { kind: 'threshold', threshold: 0.5 }, prices, now }),
    );
    // top and edge (score = threshold) strong, low weak; plan stays strong, chat stays weak.
    expect(result).toMatchObject({
      router: 'default',
      threshold: 0.5,
      actual: { requests: 5, strongShare: 2 / 5, costUsd: 4 + 1 + 1 + 0 + 1 },
      projected: { requests: 5, strongShare: 3 / 5, costUsd: 4 + 4 + 1 + 4 + 1 },
      allStrongCostUsd: 20,
      savingUsd: 6,
      savingShare: 0.3,
      rescored: 0,
      notRescorable: 0,
    });
  });

  it('a strong share: fits the threshold on the window, forced requests counted', async () => {
    const result = await withStore('b.db', log, (store) =>
      runReplay({ store, routerName: 'default', window: parseWindow('100'), policy: { kind: 'strongShare', strongShare: 0.6 }, prices, now }),
    );
    // 60% of 5 = 3 strong; plan is forced strong, so the top 2 scores: midway between 0.5 and 0.3.
    expect(result.threshold).toBe((0.5 + 0.3) / 2);
    expect(result.projected).toEqual({ requests: 5, strongShare: 3 / 5, costUsd: 4 + 4 + 1 + 4 + 1 });
  });

  it('with no tokens logged: nothing to save, and a saving share of 0 rather than NaN', async () => {
    const empty = { promptTokens: null, completionTokens: null, cachedTokens: null, costUsd: null };
    const result = await withStore('c.db', log.map((r) => ({ ...r, ...empty })), (store) =>
      runReplay({ store, routerName: 'default', window: parseWindow('1d'), policy: { kind: 'threshold', threshold: 0.5 }, prices, now }),
    );
    expect(result).toMatchObject({ allStrongCostUsd: 0, savingUsd: 0, savingShare: 0, projected: { costUsd: 0 }, actual: { costUsd: 0 } });
  });

  it('refuses an empty window, naming the router and the window', async () => {
    await withStore('d.db', log, async (store) => {
      await expect(runReplay({ store, routerName: 'nobody', window: parseWindow('1d'), policy: { kind: 'threshold', threshold: 0.5 }, prices, now })).rejects.toThrow(
        new Error('no logged chat traffic for router "nobody" in the window (1d)'),
      );
    });
  });

  it('re-scores from the logged vector, else the logged text; a row with neither keeps its logged tier', async () => {
    const scorer = await createLearnedScorer();
    try {
      const hard = 'Implement a lock-free concurrent hash map in C++ with resizing, and prove linearizability.';
      const easy = 'hi there';
      const byVector = await scorer.score({ model: 'triage', messages: [{ role: 'user', content: hard }] });
      const byText = await scorer.score({ model: 'triage', messages: [{ role: 'user', content: easy }] });
      const rows = [
        // Logged strong; its vector (of the easy prompt) now scores low: weak, $1.
        logged('vector', 1, { score: 0.99, tier: 'strong', reason: 'score>=threshold', features: byText.features ?? null, costUsd: 4 }),
        // Logged weak, no vector, the hard prompt's text: re-scored high, strong. Twice the tokens: $8.
        logged('text', 2, { score: 0.01, tier: 'weak', reason: 'score<threshold', promptText: hard, promptTokens: 2_000_000, costUsd: 2 }),
        // Another model's vector and no text: cannot be re-scored, stays as logged: strong, $4.
        logged('neither', 3, { score: 0.01, tier: 'strong', reason: 'score<threshold; retried on strong', features: { layout: 'other-layout', vector: Float32Array.from([1, 2]) }, costUsd: 4 }),
        // A matching vector and the text as well: re-scored once, from the vector: strong, $4.
        logged('both', 5, { score: 0.01, tier: 'weak', reason: 'score<threshold', features: byVector.features ?? null, promptText: hard, costUsd: 1 }),
        // Forced: never re-scored, even with text: weak, $1.
        logged('forced', 4, { score: null, tier: 'weak', reason: 'mode:summarize', promptText: hard, costUsd: 1 }),
      ];
      const threshold = (byVector.score + byText.score) / 2;
      expect(byVector.score).toBeGreaterThan(byText.score); // the threshold separates the two
      const result = await withStore('e.db', rows, (store) =>
        runReplay({ store, routerName: 'default', window: parseWindow('1d'), policy: { kind: 'threshold', threshold }, prices, scorer, now }),
      );
      expect({ rescored: result.rescored, notRescorable: result.notRescorable }).toEqual({ rescored: 3, notRescorable: 1 });
      expect(result.projected).toEqual({ requests: 5, strongShare: 3 / 5, costUsd: 1 + 8 + 4 + 4 + 1 });
    } finally {
      await scorer.close();
    }
  });
});
