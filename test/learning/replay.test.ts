// Replay on a real SQLite log: re-thresholded share, cost and saving equal a direct computation
// over the same rows; --strong-share finds the matching threshold; re-scoring with the shipped
// learned model from logged feature vectors gives the same scores as scoring the text; quality
// retained and PGR from logged feedback (and from a labelled file) equal a direct computation.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/eval/prng.ts';
import { calibrateQuality } from '../../src/learning/calibrate/quality.ts';
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

  it('quality retained and PGR from logged feedback equal a direct computation over the same rows', async () => {
    const store = openSqliteStore(join(dir.path, 'q.db'));
    const logged = rows();
    const random = seededRandom(21);
    const strongNeeded = new Map<string, boolean>();
    for (const row of logged) store.log(row);
    for (const row of logged) {
      if (row.score === null || random() < 0.3) continue; // forced rows carry no label; some rows get no feedback
      const needs = (row.score as number) + 0.4 * (random() - 0.5) > 0.65;
      if (row.tier === 'weak') await store.recordOutcome({ decisionId: row.id, createdAt: now, source: 'user', rating: needs ? 0.2 : 0.9, label: null });
      else if (random() < 0.5) await store.recordOutcome({ decisionId: row.id, createdAt: now, source: 'app', rating: null, label: needs ? 'strong_needed' : 'weak_ok' });
      else {
        await store.recordOutcome({ decisionId: row.id, createdAt: now, source: 'user', rating: 1, label: null }); // a strong answer rated up: no label
        continue;
      }
      strongNeeded.set(row.id, needs);
    }
    const threshold = 0.7;
    const result = await runReplay({ store, routerName: 'default', window: parseWindow('1d'), policy: { kind: 'threshold', threshold }, prices, now, resamples: 300 });
    // Direct: strong quality 1; weak 1 unless the strong model was needed.
    const labelled = logged.filter((row) => strongNeeded.has(row.id));
    const routed = labelled.map((row) => ((row.score as number) >= threshold ? 1 : strongNeeded.get(row.id) ? 0 : 1));
    const served = labelled.map((row) => (row.tier === 'strong' ? 1 : strongNeeded.get(row.id) ? 0 : 1));
    const weakSum = labelled.filter((row) => !strongNeeded.get(row.id)).length;
    const n = labelled.length;
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(n).toBeGreaterThan(100);
    expect(result.quality).not.toBeNull();
    const q = result.quality!;
    expect(q).toMatchObject({ source: 'log', samples: n, path: null });
    expect(q.projected.retained).toBeCloseTo(sum(routed) / n, 12);
    expect(q.projected.pgr).toBeCloseTo((sum(routed) - weakSum) / (n - weakSum), 12);
    expect(q.projected.strongShare).toBeCloseTo(labelled.filter((row) => (row.score as number) >= threshold).length / n, 12);
    expect(q.actual?.retained).toBeCloseTo(sum(served) / n, 12);
    expect(q.actual?.pgr).toBeCloseTo((sum(served) - weakSum) / (n - weakSum), 12);
    // The interval is the calibrator's bootstrap over the same labelled rows.
    const fit = calibrateQuality({ scores: labelled.map((row) => row.score as number), strong: labelled.map(() => 1), weak: labelled.map((row) => (strongNeeded.get(row.id) ? 0 : 1)) }, 1, { resamples: 300, seed: 1 });
    const point = fit.curve.find((p) => Math.abs(p.strongShare - q.projected.strongShare) < 1e-12)!;
    expect(q.projected.low).toBe(point.interval.low);
    expect(q.projected.high).toBe(point.interval.high);
    expect(q.projected.low).toBeLessThanOrEqual(q.projected.retained);
    expect(q.projected.high).toBeGreaterThanOrEqual(q.projected.retained);
    // The curve carries quality at every point, rising to 100% when everything goes strong.
    expect(result.curve).toHaveLength(21);
    expect(result.curve.at(-1)?.quality?.retained).toBe(1);
    expect(result.curve.at(-1)?.strongShare).toBe(1);

    // A labelled file instead: its own prompts at the replayed threshold.
    const file = { scores: [0.9, 0.8, 0.6, 0.3, 0.1], strong: [1, 1, 0.5, 1, 1], weak: [0, 0, 0.5, 1, 0], strongModel: 'S', weakModel: 'W', path: 'labels.jsonl' };
    const fromFile = await runReplay({ store, routerName: 'default', window: parseWindow('1d'), policy: { kind: 'threshold', threshold }, prices, now, labels: file, resamples: 100 });
    expect(fromFile.quality).toMatchObject({ source: 'file', samples: 5, path: 'labels.jsonl', actual: null });
    // Threshold 0.7: the first two strong (1 + 1), the rest weak (0.5 + 1 + 0): 3.5 of all-strong 4.5; all-weak is 1.5.
    expect(fromFile.quality?.projected.retained).toBeCloseTo(3.5 / 4.5, 12);
    expect(fromFile.quality?.projected.pgr).toBeCloseTo((3.5 - 1.5) / (4.5 - 1.5), 12);
    await store.close();
  });
});
