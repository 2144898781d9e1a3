// The LearningStore conformance suite: calibrations saved, listed newest first, the active set
// per (router, target), rollback to the previous one, the score snapshot; shadow labels saved,
// listed and their spend added up. Every backend's test file runs it.

import { afterEach, expect, it } from 'vitest';
import { describeSuite, type ConformanceOptions } from '../support/conformance.ts';
import { NothingToRollBackError, activePerRouter, type Calibration, type LearningStore } from '../../src/store/learning-store.ts';
import type { NewShadowLabel } from '../../src/store/shadow-labels.ts';

export function makeShadowLabel(overrides: Partial<NewShadowLabel> = {}): NewShadowLabel {
  return {
    decisionId: 'd-1',
    ts: 1_700_000_000_000,
    router: 'default',
    promptHash: 'sha256:abc',
    servedTier: 'weak',
    strongModel: 'gpt-4.1',
    weakModel: 'gpt-4.1-mini',
    judgeModel: 'gpt-4.1',
    verdictStrongFirst: 'A',
    verdictWeakFirst: 'B',
    label: 'strong_needed',
    costUsd: 0.0125,
    shadowTokensIn: 120,
    shadowTokensOut: 80,
    judgeTokensIn: 900,
    judgeTokensOut: 12,
    error: null,
    ...overrides,
  };
}

export interface LearningStoreUnderTest extends LearningStore {
  close(): Promise<void>;
}

export function makeCalibration(overrides: Partial<Calibration> = {}): Calibration {
  return {
    id: 'cal-1',
    router: 'default',
    createdAt: 1_700_000_000_000,
    target: { kind: 'strongShare', strongShare: 0.3 },
    threshold: 0.62,
    scorer: 'learned:default@5',
    window: { source: 'log', samples: 1200, since: 1_699_000_000_000, until: 1_700_000_000_000, spec: '7d' },
    expectedShare: 0.3,
    period: 'month',
    projectedCostUsd: 123.4,
    allStrongCostUsd: 400.5,
    qualityRetained: null,
    qualityLow: null,
    qualityHigh: null,
    pgr: null,
    rolledBackAt: null,
    ...overrides,
  };
}

export function describeLearningStoreConformance(
  name: string,
  options: ConformanceOptions<LearningStoreUnderTest>,
): void {
  describeSuite('LearningStore', name, options.skip, () => {
    const opened: LearningStoreUnderTest[] = [];
    const open = async (): Promise<LearningStoreUnderTest> => {
      const store = await options.create();
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    it('round-trips every field, for each target kind', async () => {
      const store = await open();
      const share = makeCalibration();
      const budget = makeCalibration({ id: 'cal-2', createdAt: share.createdAt + 1, target: { kind: 'budget', budgetUsd: 500, period: 'month' } });
      const quality = makeCalibration({
        id: 'cal-3', createdAt: share.createdAt + 2, target: { kind: 'quality', quality: 0.95, confidence: true },
        period: null, projectedCostUsd: null, allStrongCostUsd: null, qualityRetained: 0.951, qualityLow: 0.93, qualityHigh: 0.97, pgr: 0.8,
        window: { source: 'labels', samples: 300, since: null, until: null, spec: 'labels.jsonl' },
      });
      for (const c of [share, budget, quality]) await store.saveCalibration(c);
      expect(await store.calibrations()).toStrictEqual([quality, budget, share]);
    });

    it('lists newest first, ties by save order, filtered by router, limited', async () => {
      const store = await open();
      await store.saveCalibration(makeCalibration({ id: 'a', createdAt: 10 }));
      await store.saveCalibration(makeCalibration({ id: 'b', createdAt: 10 }));
      await store.saveCalibration(makeCalibration({ id: 'c', createdAt: 5, router: 'other' }));
      expect((await store.calibrations()).map((c) => c.id)).toEqual(['b', 'a', 'c']);
      expect((await store.calibrations({ router: 'other' })).map((c) => c.id)).toEqual(['c']);
      expect((await store.calibrations({ limit: 1 })).map((c) => c.id)).toEqual(['b']);
    });

    it('rejects a duplicate id and an invalid calibration', async () => {
      const store = await open();
      await store.saveCalibration(makeCalibration());
      await expect(store.saveCalibration(makeCalibration())).rejects.toThrow();
      await expect(store.saveCalibration(makeCalibration({ id: 'bad', threshold: 1.5 }))).rejects.toThrow();
    });

    it('keeps the newest live calibration per (router, target) as the active set', async () => {
      const store = await open();
      await store.saveCalibration(makeCalibration({ id: 's1', createdAt: 1 }));
      await store.saveCalibration(makeCalibration({ id: 'q1', createdAt: 2, target: { kind: 'quality', quality: 0.95, confidence: false } }));
      await store.saveCalibration(makeCalibration({ id: 's2', createdAt: 3 }));
      await store.saveCalibration(makeCalibration({ id: 'o1', createdAt: 4, router: 'other' }));
      expect(store.activeCalibrations().map((c) => c.id)).toEqual(['o1', 's2', 'q1']);
      expect(activePerRouter(store.activeCalibrations()).map((c) => c.id)).toEqual(['o1', 's2']);
    });

    it('rollback makes the previous calibration active, and fails when nothing is left', async () => {
      const store = await open();
      await store.saveCalibration(makeCalibration({ id: 'old', createdAt: 1, threshold: 0.4 }));
      await store.saveCalibration(makeCalibration({ id: 'new', createdAt: 2, threshold: 0.7 }));
      const now = await store.rollback('default', 99);
      expect(now?.id).toBe('old');
      expect(activePerRouter(store.activeCalibrations()).map((c) => c.id)).toEqual(['old']);
      const listed = await store.calibrations();
      expect(listed.find((c) => c.id === 'new')?.rolledBackAt).toBe(99);
      expect(await store.rollback('default', 100)).toBeNull();
      await expect(store.rollback('default', 101)).rejects.toBeInstanceOf(NothingToRollBackError);
      await expect(store.rollback('nobody')).rejects.toBeInstanceOf(NothingToRollBackError);
    });

    it('round-trips a score snapshot, and leaves it absent when not given', async () => {
      const store = await open();
      const withSnapshot = makeCalibration({ id: 'snap', scoreSnapshot: { samples: 500, quantiles: [0, 0.25, 0.5, 0.75, 1] } });
      await store.saveCalibration(withSnapshot);
      await store.saveCalibration(makeCalibration({ id: 'plain', createdAt: withSnapshot.createdAt - 1 }));
      const [snap, plain] = await store.calibrations();
      expect(snap).toStrictEqual(withSnapshot);
      expect(plain).not.toHaveProperty('scoreSnapshot');
      expect(store.activeCalibrations()[0]?.scoreSnapshot).toStrictEqual(withSnapshot.scoreSnapshot);
    });

    it('saves shadow labels with fresh ids and round-trips every field', async () => {
      const store = await open();
      const full = makeShadowLabel();
      const bare = makeShadowLabel({
        decisionId: 'd-2', ts: full.ts + 1, router: null, promptHash: null, servedTier: null, verdictStrongFirst: 'unparsable',
        verdictWeakFirst: 'C', label: 'unusable', costUsd: 0, shadowTokensIn: null, shadowTokensOut: null, judgeTokensIn: null,
        judgeTokensOut: null, error: 'judge call failed: HTTP 500',
      });
      const first = await store.saveShadowLabel(full);
      const second = await store.saveShadowLabel(bare);
      expect(first.id).not.toBe(second.id);
      expect(await store.shadowLabels()).toStrictEqual([{ ...bare, id: second.id }, { ...full, id: first.id }]);
    });

    it('lists shadow labels newest first, filtered by since, until, router and limited', async () => {
      const store = await open();
      await store.saveShadowLabel(makeShadowLabel({ decisionId: 'a', ts: 10 }));
      await store.saveShadowLabel(makeShadowLabel({ decisionId: 'b', ts: 10 }));
      await store.saveShadowLabel(makeShadowLabel({ decisionId: 'c', ts: 20, router: 'other' }));
      const ids = async (query: Parameters<LearningStore['shadowLabels']>[0]): Promise<string[]> =>
        (await store.shadowLabels(query)).map((l) => l.decisionId);
      expect(await ids({})).toEqual(['c', 'b', 'a']);
      expect(await ids({ since: 11 })).toEqual(['c']);
      expect(await ids({ until: 20 })).toEqual(['b', 'a']);
      expect(await ids({ router: 'default' })).toEqual(['b', 'a']);
      expect(await ids({ limit: 1 })).toEqual(['c']);
    });

    it('rejects an invalid shadow label', async () => {
      const store = await open();
      await expect(store.saveShadowLabel(makeShadowLabel({ decisionId: '' }))).rejects.toThrow();
      await expect(store.saveShadowLabel(makeShadowLabel({ costUsd: -1 }))).rejects.toThrow();
      expect(await store.shadowLabels()).toEqual([]);
    });

    it('adds up shadow spend over [since, until), per router', async () => {
      const store = await open();
      await store.saveShadowLabel(makeShadowLabel({ ts: 100, costUsd: 0.5 }));
      await store.saveShadowLabel(makeShadowLabel({ ts: 200, costUsd: 0.25 }));
      await store.saveShadowLabel(makeShadowLabel({ ts: 300, costUsd: 1 }));
      await store.saveShadowLabel(makeShadowLabel({ ts: 300, costUsd: 2, router: 'other' }));
      expect(await store.shadowSpend({ since: 100, until: 300 })).toEqual({ labels: 2, costUsd: 0.75 });
      expect(await store.shadowSpend({ since: 150, router: 'default' })).toEqual({ labels: 2, costUsd: 1.25 });
      expect(await store.shadowSpend({ router: 'other' })).toEqual({ labels: 1, costUsd: 2 });
      expect(await store.shadowSpend({ since: 400 })).toEqual({ labels: 0, costUsd: 0 });
      expect(await store.shadowSpend()).toEqual({ labels: 4, costUsd: 3.75 });
    });
  });
}
