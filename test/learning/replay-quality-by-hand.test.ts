// Replay's quality figures from log labels on four rows worked out by hand (real SQLite): the
// tiers that served (two strong, two weak, one weak answer rated down), the replayed threshold
// landing exactly on a labelled score (which goes strong), the default model names, and the
// interval from the calibrator's bootstrap at the resamples asked for.

import { describe, expect, it } from 'vitest';
import { calibrateQuality } from '../../src/learning/calibrate/quality.ts';
import { runReplay } from '../../src/learning/replay.ts';
import { parseWindow } from '../../src/learning/window.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { makeDecision } from '../store/fixtures/decision.ts';

const prices = { strong: { input: 2, output: 8 }, weak: { input: 0.1, output: 0.2 } };
const now = 1_800_000_000_000;

describe('replay quality by hand', () => {
  it('gives the served and projected quality of four labelled rows', async () => {
    const store = openSqliteStore(':memory:');
    const rows = [
      { id: 'a', score: 0.9, tier: 'strong' as const },
      { id: 'b', score: 0.7, tier: 'strong' as const },
      { id: 'c', score: 0.3, tier: 'weak' as const },
      { id: 'd', score: 0.2, tier: 'weak' as const },
    ];
    rows.forEach((row, i) =>
      store.log(makeDecision({
        ...row, createdAt: now - 1000 + i, router: 'default', kind: 'chat', mode: null, threshold: 0.5, modelAlias: row.tier,
        reason: row.tier === 'strong' ? 'score>=threshold' : 'score<threshold', status: 200, promptTokens: 100, completionTokens: 10, cachedTokens: 0, costUsd: 0.001,
      })),
    );
    // a needed the strong model, b did not; c was rated down (strong needed), d up (weak enough).
    await store.recordOutcome({ decisionId: 'a', createdAt: now, source: 'app', rating: null, label: 'strong_needed' });
    await store.recordOutcome({ decisionId: 'b', createdAt: now, source: 'app', rating: null, label: 'weak_ok' });
    await store.recordOutcome({ decisionId: 'c', createdAt: now, source: 'user', rating: 0, label: null });
    await store.recordOutcome({ decisionId: 'd', createdAt: now, source: 'user', rating: 1, label: null });
    await store.flush();
    const result = await runReplay({ store, routerName: 'default', window: parseWindow('1d'), policy: { kind: 'threshold', threshold: 0.7 }, prices, now, resamples: 50 });
    await store.close();
    const q = result.quality!;
    expect(q).toMatchObject({ source: 'log', samples: 4, path: null, strongModel: 'the strong model', weakModel: 'the weak model' });
    // Served: a 1, b 1, c 0, d 1 = 3 of all-strong 4; all-weak is 2 (b and d): PGR (3 - 2) / (4 - 2).
    expect(q.actual).toEqual({ retained: 0.75, pgr: 0.5 });
    // At 0.7, a and b (the score on the threshold) go strong: half the labelled rows, the same 3 of 4.
    expect(q.projected).toMatchObject({ strongShare: 0.5, retained: 0.75, pgr: 0.5 });
    const fit = calibrateQuality({ scores: [0.9, 0.7, 0.3, 0.2], strong: [1, 1, 1, 1], weak: [0, 1, 0, 1] }, 1, { resamples: 50, seed: 1 });
    const point = fit.curve.find((p) => p.strongShare === 0.5)!;
    expect(q.projected.low).toBe(point.interval.low);
    expect(q.projected.high).toBe(point.interval.high);
  });
});
