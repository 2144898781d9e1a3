// The DashboardStore conformance suite: audit entries kept as given and listed newest first
// (bounded), outcomes added up per UTC day and source with their mean rating, and the optional
// learning tables answered as absent on a fresh store. Every backend runs it.

import { afterEach, expect, it } from 'vitest';
import { describeSuite, type ConformanceOptions } from '../support/conformance.ts';
import type { AuditEntry, DashboardStore } from '../../src/store/dashboard-store.ts';
import type { LearningStore } from '../../src/store/learning-store.ts';
import type { NewShadowLabel } from '../../src/store/shadow-labels.ts';
import type { DecisionStore } from '../../src/store/store.ts';

export type DashboardStoreUnderTest = DashboardStore & DecisionStore & LearningStore;

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 20, 10);

const entry = (overrides: Partial<AuditEntry>): AuditEntry => ({
  createdAt: T0, action: 'apply', router: 'default', calibrationId: 'cal_1', keyId: 'key_0123456789ab', detail: { threshold: 0.6, window: '7d' }, ...overrides,
});

export function describeDashboardStoreConformance(name: string, options: ConformanceOptions<DashboardStoreUnderTest>): void {
  describeSuite('DashboardStore', name, options.skip, () => {
    const opened: DashboardStoreUnderTest[] = [];
    const open = async () => {
      const store = await options.create();
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
    });

    it('keeps audit entries as given, newest first, at most the limit', async () => {
      const store = await open();
      await store.recordAudit(entry({ createdAt: T0 }));
      await store.recordAudit(entry({ createdAt: T0 + 2000, action: 'rollback', calibrationId: null, keyId: null, detail: { rolledBack: 'cal_1' } }));
      await store.recordAudit(entry({ createdAt: T0 + 1000, calibrationId: 'cal_2' }));
      const all = await store.auditEntries(10);
      expect(all.map((a) => a.createdAt)).toEqual([T0 + 2000, T0 + 1000, T0]);
      expect(all[0]).toEqual(entry({ createdAt: T0 + 2000, action: 'rollback', calibrationId: null, keyId: null, detail: { rolledBack: 'cal_1' } }));
      expect(all[2]).toEqual(entry({ createdAt: T0 }));
      expect(await store.auditEntries(2)).toHaveLength(2);
    });

    it('refuses an audit entry with an unknown action', async () => {
      const store = await open();
      const bad = entry({});
      Reflect.set(bad, 'action', 'delete');
      await expect(store.recordAudit(bad)).rejects.toThrow();
    });

    it('adds up outcomes per UTC day and source, oldest day first, within the window', async () => {
      const store = await open();
      const outcome = (id: string, at: number, source: string, rating: number | null) => store.recordOutcome({ decisionId: id, createdAt: at, source, rating, label: null });
      await outcome('a', T0, 'feedback', 1);
      await outcome('b', T0 + 1000, 'feedback', 0);
      await outcome('c', T0 + 2000, 'judge', null);
      await outcome('d', T0 + DAY, 'feedback', 0.5);
      await outcome('e', T0 - 5 * DAY, 'feedback', 1);
      const days = await store.outcomesPerDay({ since: T0 - DAY, until: T0 + 2 * DAY });
      expect(days).toEqual([
        { day: '2026-11-20', source: 'feedback', count: 2, meanRating: 0.5 },
        { day: '2026-11-20', source: 'judge', count: 1, meanRating: null },
        { day: '2026-11-21', source: 'feedback', count: 1, meanRating: 0.5 },
      ]);
      expect((await store.outcomesPerDay()).reduce((n, d) => n + d.count, 0)).toBe(5);
    });

    it('has no shadow labels on a fresh store, then counts them per UTC day and label within the window', async () => {
      const store = await open();
      expect(await store.shadowLabelsPerDay()).toEqual([]);
      const label = (ts: number, kind: NewShadowLabel['label']): NewShadowLabel => ({
        decisionId: `d-${ts}`, ts, router: 'default', promptHash: null, servedTier: 'weak', strongModel: 's', weakModel: 'w', judgeModel: 'j',
        verdictStrongFirst: 'B', verdictWeakFirst: 'A', label: kind, costUsd: 0.001,
        shadowTokensIn: null, shadowTokensOut: null, judgeTokensIn: null, judgeTokensOut: null, error: null,
      });
      await store.saveShadowLabel(label(T0, 'weak_ok'));
      await store.saveShadowLabel(label(T0 + 1000, 'weak_ok'));
      await store.saveShadowLabel(label(T0 + 2000, 'strong_needed'));
      await store.saveShadowLabel(label(T0 + DAY, 'unusable'));
      await store.saveShadowLabel(label(T0 + 3 * DAY, 'tie'));
      expect(await store.shadowLabelsPerDay({ since: T0, until: T0 + 2 * DAY })).toEqual([
        { day: '2026-11-20', source: 'shadow:strong_needed', count: 1, meanRating: null },
        { day: '2026-11-20', source: 'shadow:weak_ok', count: 2, meanRating: null },
        { day: '2026-11-21', source: 'shadow:unusable', count: 1, meanRating: null },
      ]);
    });
  });
}
