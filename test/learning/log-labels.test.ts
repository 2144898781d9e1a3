// Labels from the log: the pure outcome -> strong/weak rules, merging several sources' votes on
// one decision, which rows count (real SQLite), the quality calibration from logged feedback
// (equal to the calibrator run directly on the same labels), and the "too few labels" message.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { seededRandom } from '../../src/eval/prng.ts';
import { calibrateQuality } from '../../src/learning/calibrate/quality.ts';
import { runCalibration } from '../../src/learning/calibrate/run.ts';
import { labelledScoresOf, readLogLabels } from '../../src/learning/log-labels/from-log.ts';
import type { LabelSource } from '../../src/learning/log-labels/label-source.ts';
import { mergeVotes, voteFromOutcome } from '../../src/learning/log-labels/outcome-label.ts';
import { logLabelSources } from '../../src/learning/log-labels/sources.ts';
import { parseWindow } from '../../src/learning/window.ts';
import { createScorerPool, defaultScorerFactory } from '../../src/scoring/pool.ts';
import { openSqliteStore, type SqliteDecisionStore } from '../../src/store/sqlite/index.ts';
import type { DecisionOutcome, DecisionRecord } from '../../src/store/store.ts';
import { makeDecision } from '../store/fixtures/decision.ts';
import { suiteTempDir } from '../support/temp-dir.ts';

const outcome = (over: Partial<DecisionOutcome>): DecisionOutcome => ({ decisionId: 'd', createdAt: 10, source: 'feedback', rating: null, label: null, ...over });

describe('voteFromOutcome', () => {
  it('reads explicit labels whichever tier served', () => {
    for (const tier of ['strong', 'weak'] as const) {
      expect(voteFromOutcome(outcome({ label: 'strong_needed' }), tier)).toMatchObject({ strongNeeded: true, rank: 2, source: 'outcome:feedback' });
      expect(voteFromOutcome(outcome({ label: 'weak_ok', rating: 0 }), tier)).toMatchObject({ strongNeeded: false, rank: 2 });
    }
  });

  it('reads a rating only on a weak-served answer, cut at 0.5', () => {
    expect(voteFromOutcome(outcome({ rating: 0 }), 'weak')).toMatchObject({ strongNeeded: true, rank: 1 });
    expect(voteFromOutcome(outcome({ rating: 0.49 }), 'weak')).toMatchObject({ strongNeeded: true });
    expect(voteFromOutcome(outcome({ rating: 0.5 }), 'weak')).toMatchObject({ strongNeeded: false });
    expect(voteFromOutcome(outcome({ rating: 1 }), 'weak')).toMatchObject({ strongNeeded: false, rank: 1 });
    // A strong answer's rating says nothing about the weak model.
    expect(voteFromOutcome(outcome({ rating: 1 }), 'strong')).toBeNull();
    expect(voteFromOutcome(outcome({ rating: 0 }), 'strong')).toBeNull();
    expect(voteFromOutcome(outcome({ rating: 0 }), null)).toBeNull();
    // Unknown labels and empty outcomes carry no vote.
    expect(voteFromOutcome(outcome({ label: 'good' }), 'strong')).toBeNull();
    expect(voteFromOutcome(outcome({}), 'weak')).toBeNull();
  });
});

describe('mergeVotes', () => {
  const vote = (source: string, strongNeeded: boolean, rank: number, createdAt: number) => ({ decisionId: 'd', strongNeeded, rank, createdAt, source });
  it('keeps the highest rank, then the newest, then the first source by name', () => {
    expect(mergeVotes([vote('a', true, 1, 99), vote('b', false, 2, 1)]).get('d')?.source).toBe('b');
    expect(mergeVotes([vote('b', false, 2, 1), vote('a', true, 1, 99)]).get('d')?.source).toBe('b');
    expect(mergeVotes([vote('a', true, 2, 5), vote('b', false, 2, 7)]).get('d')?.strongNeeded).toBe(false);
    expect(mergeVotes([vote('b', false, 2, 7), vote('a', true, 2, 7)]).get('d')?.source).toBe('a');
    expect(mergeVotes([vote('a', true, 2, 7), vote('b', false, 2, 7)]).get('d')?.source).toBe('a');
  });
});

describe('labels from a real SQLite log', () => {
  const dir = suiteTempDir('triage-log-labels-');
  const now = 1_800_000_000_000;

  /** n threshold-decided rows; a prompt needs strong when its hidden difficulty is high. */
  async function seed(store: SqliteDecisionStore, n: number): Promise<Array<{ row: DecisionRecord; needsStrong: boolean }>> {
    const random = seededRandom(5);
    const rows: Array<{ row: DecisionRecord; needsStrong: boolean }> = [];
    for (let i = 0; i < n; i++) {
      const score = random();
      const tier = score >= 0.5 ? 'strong' : 'weak';
      const row = makeDecision({
        id: `q${i}`, createdAt: now - i * 1000, router: 'default', kind: 'chat', mode: null, score, threshold: 0.5, tier, modelAlias: tier,
        reason: tier === 'strong' ? 'score>=threshold' : 'score<threshold', status: 200, promptTokens: 100, completionTokens: 50, cachedTokens: 0,
        costUsd: 0.001, features: null, calibrationId: null,
      });
      store.log(row);
      const needsStrong = score + 0.3 * (random() - 0.5) > 0.6;
      rows.push({ row, needsStrong });
      // Weak-served answers get thumbs; strong-served ones an explicit label from the app.
      if (tier === 'weak') await store.recordOutcome({ decisionId: row.id, createdAt: now, source: 'user', rating: needsStrong ? 0 : 1, label: null });
      else await store.recordOutcome({ decisionId: row.id, createdAt: now, source: 'app', rating: null, label: needsStrong ? 'strong_needed' : 'weak_ok' });
    }
    await store.flush();
    return rows;
  }

  it('counts answered threshold-decided rows only, one label per decision', async () => {
    const store = openSqliteStore(join(dir.path, 'rows.db'));
    const ok = makeDecision({ id: 'ok', router: 'default', tier: 'weak', reason: 'score<threshold', score: 0.2, status: 200 });
    const forced = makeDecision({ id: 'forced', router: 'default', tier: 'weak', reason: 'mode:quick', score: 0.2, status: 200 });
    const failed = makeDecision({ id: 'failed', router: 'default', tier: 'weak', reason: 'score<threshold', score: 0.2, status: 502 });
    const unrated = makeDecision({ id: 'unrated', router: 'default', tier: 'strong', reason: 'score>=threshold', score: 0.9, status: 200 });
    for (const row of [ok, forced, failed, unrated]) store.log(row);
    for (const id of ['ok', 'forced', 'failed']) await store.recordOutcome({ decisionId: id, createdAt: 1, source: 'user', rating: 0, label: null });
    // Two sources on one decision: the explicit label outranks the thumbs-down.
    await store.recordOutcome({ decisionId: 'ok', createdAt: 2, source: 'app', rating: null, label: 'weak_ok' });
    await store.recordOutcome({ decisionId: 'unrated', createdAt: 1, source: 'user', rating: 1, label: null });
    const rows = await store.decisions({ router: 'default' });
    const labels = await readLogLabels(rows, logLabelSources({ store }));
    expect(labels.eligible).toBe(2);
    expect(labels.labelled.map((l) => [l.row.id, l.strongNeeded, l.source])).toEqual([['ok', false, 'outcome:app']]);
    expect(labels.bySource).toEqual({ 'outcome:app': 1 });
    // A second source is one more entry in the list.
    const shadow: LabelSource = { kind: 'shadow', votes: async () => [{ decisionId: 'unrated', strongNeeded: true, rank: 0, createdAt: 3, source: 'shadow:judge' }] };
    const more = await readLogLabels(rows, [...logLabelSources({ store }), shadow]);
    expect(more.labelled.map((l) => l.row.id).sort()).toEqual(['ok', 'unrated']);
    expect(more.strongNeeded).toBe(1);
    // At most `max` labelled rows, the newest (rows come newest first); the rest are counted as dropped.
    const capped = await readLogLabels(rows, [...logLabelSources({ store }), shadow], 1);
    expect(capped.labelled).toHaveLength(1);
    expect(capped.dropped).toBe(1);
    await store.close();
  });

  it('calibrates a quality target on logged feedback, equal to the calibrator on the same labels', async () => {
    const store = openSqliteStore(join(dir.path, 'cal.db'));
    const seeded = await seed(store, 300);
    const config = parseConfig({
      providers: { up: { baseUrl: 'http://127.0.0.1:9' } },
      models: { strong: { provider: 'up', id: 's', pricePerMTok: { input: 2, output: 8 } }, weak: { provider: 'up', id: 'w', pricePerMTok: { input: 0.1, output: 0.2 } } },
      routers: { default: { strong: 'strong', weak: 'weak', scorer: 'random', threshold: 0.5 } },
    }, 'test');
    const scorers = createScorerPool(defaultScorerFactory());
    const result = await runCalibration({ config, routerName: 'default', target: { kind: 'quality', quality: 0.95, confidence: false }, window: parseWindow('1d'), store, scorers, now, resamples: 200 });
    // Direct: the labels the seeding meant (strong 1; weak 0 when strong was needed), newest row first as the log reads.
    const direct = {
      scores: seeded.map((s) => s.row.score as number),
      strong: seeded.map(() => 1),
      weak: seeded.map((s) => (s.needsStrong ? 0 : 1)),
    };
    const expected = calibrateQuality(direct, 0.95, { resamples: 200, seed: 1 });
    const strongNeeded = seeded.filter((s) => s.needsStrong).length;
    expect(labelledScoresOf(await readLogLabels(seeded.map((s) => s.row), logLabelSources({ store }))).weak).toEqual(direct.weak);
    expect(result.calibration.threshold).toBe(expected.threshold);
    expect(result.calibration.qualityRetained).toBe(expected.retained);
    expect(result.calibration.qualityLow).toBe(expected.interval.low);
    expect(result.calibration.pgr).toBe(expected.pgr);
    expect(result.calibration.qualityRetained).toBeGreaterThanOrEqual(0.95);
    expect(result.calibration.window).toMatchObject({ source: 'log', samples: 300, spec: '1d' });
    expect(result.labels).toMatchObject({ source: 'log', samples: 300, strongNeeded, weakOk: 300 - strongNeeded });
    // The chosen share is below all-strong: the labels are informative.
    expect(result.calibration.expectedShare).toBeLessThan(0.9);
    expect((await store.calibrations({ router: 'default' }))[0]?.id).toBe(result.calibration.id);

    // Other targets show quality retained from the same labels.
    const share = await runCalibration({ config, routerName: 'default', target: { kind: 'strongShare', strongShare: 0.3 }, window: parseWindow('1d'), store, scorers, now, resamples: 200, dryRun: true });
    expect(share.labels?.source).toBe('log');
    expect(share.calibration.qualityRetained).not.toBeNull();

    // Too few labels: the message says how many exist and how many are needed.
    await expect(
      runCalibration({ config, routerName: 'default', target: { kind: 'quality', quality: 0.95, confidence: false }, window: parseWindow('20'), store, scorers, now, dryRun: true }),
    ).rejects.toThrow(/needs at least 50 labelled requests for router "default" in the window \(20\); found 20 labelled \(\d+ strong_needed, \d+ weak_ok\) among 20/);
    await scorers.closeAll();
    await store.close();
  });
});
