// Labels from the log at their edges, by hand: which statuses count as answered (2xx only), the
// tie-breaks of merging (rank, then the newer vote whichever arrives first, then the source name,
// then the vote seen first), ratings that are not finite numbers, the truncation flag when the last
// chunk holds more labels than are kept, the calibrator's input when a row has no score, the exact
// "too few labels" messages at the minimum, and the outcomes source's own votes on a real log.

import { describe, expect, it } from 'vitest';
import {
  InsufficientLabelsError, labelEligible, labelledScoresOf, MAX_LOG_LABELS, MIN_LOG_LABELS, readLogLabels, requireLogLabels, type LogLabels,
} from '../../src/learning/log-labels/from-log.ts';
import type { LabelSource, LabelVote } from '../../src/learning/log-labels/label-source.ts';
import { GOOD_RATING, mergeVotes, voteFromOutcome } from '../../src/learning/log-labels/outcome-label.ts';
import { outcomesLabelSource } from '../../src/learning/log-labels/outcomes-source.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import type { DecisionOutcome } from '../../src/store/store.ts';
import { makeDecision } from '../store/fixtures/decision.ts';

const row = (id: string, over: Parameters<typeof makeDecision>[0] = {}) =>
  makeDecision({ id, router: 'default', tier: 'weak', reason: 'score<threshold', score: 0.2, status: 200, ...over });

/** A source that votes weak_ok on every row it is shown. */
const everyRow: LabelSource = { kind: 'all', votes: async (rows) => rows.map((r) => ({ decisionId: r.id, strongNeeded: false, rank: 2, createdAt: 1, source: 'all' })) };

describe('labelEligible', () => {
  it.each([
    [199, false], [200, true], [204, true], [299, true], [300, false], [404, false], [502, false],
  ])('status %i -> %s', (status, eligible) => {
    expect(labelEligible(row('r', { status }))).toBe(eligible);
  });

  it('needs a threshold decision', () => {
    expect(labelEligible(row('r', { reason: 'explore:score>=threshold' }))).toBe(true);
    expect(labelEligible(row('r', { reason: 'mode:review' }))).toBe(false);
    expect(labelEligible(row('r', { score: null }))).toBe(false);
  });
});

describe('voteFromOutcome and mergeVotes edges', () => {
  const outcome = (over: Partial<DecisionOutcome>): DecisionOutcome => ({ decisionId: 'd', createdAt: 10, source: 'feedback', rating: null, label: null, ...over });

  it('ignores a rating that is not a finite number, and cuts at exactly 0.5', () => {
    expect(GOOD_RATING).toBe(0.5);
    expect(voteFromOutcome(outcome({ rating: Number.NaN }), 'weak')).toBeNull();
    expect(voteFromOutcome(outcome({ rating: Number.POSITIVE_INFINITY }), 'weak')).toBeNull();
    expect(voteFromOutcome(outcome({ rating: 0.5, createdAt: 77, decisionId: 'x', source: 's' }), 'weak')).toEqual({
      decisionId: 'x', createdAt: 77, source: 'outcome:s', strongNeeded: false, rank: 1,
    });
    expect(voteFromOutcome(outcome({ label: 'strong_needed', createdAt: 5 }), null)).toEqual({ decisionId: 'd', createdAt: 5, source: 'outcome:feedback', strongNeeded: true, rank: 2 });
  });

  const vote = (source: string, strongNeeded: boolean, rank: number, createdAt: number): LabelVote => ({ decisionId: 'd', strongNeeded, rank, createdAt, source });

  it('keeps the newer vote of a rank whichever arrives first', () => {
    expect(mergeVotes([vote('b', false, 2, 7), vote('a', true, 2, 5)]).get('d')).toEqual(vote('b', false, 2, 7));
    expect(mergeVotes([vote('a', true, 2, 5), vote('b', false, 2, 7)]).get('d')).toEqual(vote('b', false, 2, 7));
  });

  it('keeps the vote seen first on a full tie', () => {
    expect(mergeVotes([vote('a', true, 2, 7), vote('a', false, 2, 7)]).get('d')?.strongNeeded).toBe(true);
    expect(mergeVotes([vote('a', false, 2, 7), vote('a', true, 2, 7)]).get('d')?.strongNeeded).toBe(false);
  });

  it('keeps one vote per decision', () => {
    const merged = mergeVotes([vote('a', true, 1, 1), { ...vote('a', false, 1, 1), decisionId: 'e' }]);
    expect([...merged.keys()].sort()).toEqual(['d', 'e']);
  });
});

describe('readLogLabels edges', () => {
  it('says it was truncated when the one chunk read held more labels than are kept', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => row(`r${i}`));
    const labels = await readLogLabels(rows, [everyRow], 4);
    expect(labels.labelled.map((l) => l.row.id)).toEqual(['r0', 'r1', 'r2', 'r3']);
    expect(labels).toMatchObject({ eligible: 10, strongNeeded: 0, weakOk: 4, bySource: { all: 4 }, truncated: true });
    expect(await readLogLabels(rows, [everyRow], 10)).toMatchObject({ truncated: false, weakOk: 10 });
  });

  it('keeps 2000 labels by default and counts each winning source', async () => {
    expect(MAX_LOG_LABELS).toBe(2000);
    expect(MIN_LOG_LABELS).toBe(50);
    const rows = Array.from({ length: 2001 }, (_, i) => row(`r${i}`));
    const labels = await readLogLabels(rows, [everyRow]);
    expect(labels.labelled).toHaveLength(2000);
    expect(labels.truncated).toBe(true);
    const strongOnOdd: LabelSource = {
      kind: 'odd',
      votes: async (chunk) => chunk.filter((_, i) => i % 2 === 1).map((r) => ({ decisionId: r.id, strongNeeded: true, rank: 3, createdAt: 1, source: 'odd' })),
    };
    const mixed = await readLogLabels(rows.slice(0, 6), [everyRow, strongOnOdd]);
    expect(mixed).toMatchObject({ eligible: 6, strongNeeded: 3, weakOk: 3, bySource: { all: 3, odd: 3 }, truncated: false });
  });
});

describe('labelledScoresOf', () => {
  const labels: LogLabels = {
    labelled: [
      { row: row('a', { score: 0.9 }), strongNeeded: true, source: 's' },
      { row: row('b', { score: 0.1 }), strongNeeded: false, source: 's' },
      { row: row('c', { score: 0.4 }), strongNeeded: true, source: 's' },
    ],
    eligible: 3, strongNeeded: 2, weakOk: 1, bySource: { s: 3 }, truncated: false,
  };

  it('turns labels into binary qualities over the logged scores', () => {
    expect(labelledScoresOf(labels)).toEqual({ scores: [0.9, 0.1, 0.4], strong: [1, 1, 1], weak: [0, 1, 0], ids: ['a', 'b', 'c'] });
  });

  it('leaves out rows the given scorer has no score for', () => {
    expect(labelledScoresOf(labels, (r) => (r.id === 'b' ? null : 1 - (r.score ?? 0)))).toEqual({ scores: [0.09999999999999998, 0.6], strong: [1, 1], weak: [0, 0], ids: ['a', 'c'] });
  });
});

describe('requireLogLabels', () => {
  const labelsOf = (strongNeeded: number, weakOk: number, eligible = 100): LogLabels => ({
    labelled: Array.from({ length: strongNeeded + weakOk }, (_, i) => ({ row: row(`r${i}`), strongNeeded: i < strongNeeded, source: 's' })),
    eligible, strongNeeded, weakOk, bySource: {}, truncated: false,
  });
  const found = (have: number, s: number, w: number, eligible: number) =>
    `found ${have} labelled (${s} strong_needed, ${w} weak_ok) among ${eligible} answered, threshold-decided requests; ` +
    'send feedback (POST /v1/feedback with a label, or thumbs/rating on weak-served answers), widen --window, or give --labels FILE.jsonl';

  it('accepts exactly the minimum with both kinds of label', () => {
    expect(() => requireLogLabels(labelsOf(25, 25), 'in 7d')).not.toThrow();
    expect(() => requireLogLabels(labelsOf(1, 2), 'in 7d', 3)).not.toThrow();
  });

  it('refuses one fewer than the minimum, saying what it found', () => {
    let error: unknown;
    try {
      requireLogLabels(labelsOf(24, 25, 90), 'in 7d');
    } catch (caught) {
      error = caught;
    }
    if (!(error instanceof InsufficientLabelsError)) throw new Error('expected an InsufficientLabelsError');
    expect(error.name).toBe('InsufficientLabelsError');
    expect(error.message).toBe(`a quality calibration from the log needs at least 50 labelled requests in 7d; ${found(49, 24, 25, 90)}`);
  });

  it('refuses labels of one kind only', () => {
    const message = (s: number, w: number) => `a quality calibration from the log needs both strong_needed and weak_ok labels for default; ${found(s + w, s, w, 100)}`;
    expect(() => requireLogLabels(labelsOf(0, 60), 'for default')).toThrow(new InsufficientLabelsError(message(0, 60)));
    expect(() => requireLogLabels(labelsOf(60, 0), 'for default')).toThrow(new InsufficientLabelsError(message(60, 0)));
    expect(() => requireLogLabels(labelsOf(1, 59), 'for default')).not.toThrow();
  });
});

describe('outcomesLabelSource on a real log', () => {
  it('gives one vote per outcome that carries one', async () => {
    const store = openSqliteStore(':memory:');
    store.log(row('w', { tier: 'weak' }));
    store.log(row('s', { tier: 'strong', reason: 'score>=threshold', score: 0.9 }));
    await store.recordOutcome({ decisionId: 'w', createdAt: 3, source: 'user', rating: 0.25, label: null });
    await store.recordOutcome({ decisionId: 'w', createdAt: 4, source: 'app', rating: null, label: 'weak_ok' });
    await store.recordOutcome({ decisionId: 's', createdAt: 5, source: 'user', rating: 1, label: null });
    await store.flush();
    const source = outcomesLabelSource({ store });
    expect(source.kind).toBe('outcomes');
    const votes = await source.votes(await store.decisions({ router: 'default' }));
    await store.close();
    expect(votes.sort((a, b) => a.createdAt - b.createdAt)).toEqual([
      { decisionId: 'w', createdAt: 3, source: 'outcome:user', strongNeeded: true, rank: 1 },
      { decisionId: 'w', createdAt: 4, source: 'outcome:app', strongNeeded: false, rank: 2 },
    ]);
  });
});
