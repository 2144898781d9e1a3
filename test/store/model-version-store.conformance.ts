// The ModelVersionStore conformance suite: every store that keeps scorer versions (SQLite,
// Postgres) runs it with a factory that returns a fresh, empty store. Covers save and list (newest
// version first, per line, limited), the active version per line, activate (also of a rolled-back
// version), rollback to the version activated before, and the errors for unknown ids and for a
// line with nothing to roll back.

import { afterEach, expect, it } from 'vitest';
import { describeSuite, type ConformanceOptions } from '../support/conformance.ts';
import {
  NothingToRollBackError, UnknownModelVersionError, type ModelVersion, type ModelVersionStore,
} from '../../src/store/model-versions.ts';

type ModelVersionStoreUnderTest = ModelVersionStore & { close(): Promise<void> };

export function makeModelVersion(line: string, version: number, overrides: Partial<ModelVersion> = {}): ModelVersion {
  return {
    id: `${line}@${version}`, line, version, dir: `/models/${line}-v${version}`, createdAt: 1_000 + version, status: 'promoted',
    reason: 'passed the gate', report: { auc: 0.7, rule: 'margin' }, activatedAt: null, rolledBackAt: null, ...overrides,
  };
}

export function describeModelVersionStoreConformance(
  name: string,
  options: ConformanceOptions<ModelVersionStoreUnderTest>,
): void {
  describeSuite('ModelVersionStore', name, options.skip, () => {
    const opened: ModelVersionStoreUnderTest[] = [];
    const open = async (): Promise<ModelVersionStoreUnderTest> => {
      const store = await options.create();
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    it('round-trips every field and lists newest version first, per line, limited', async () => {
      const store = await open();
      const versions = [makeModelVersion('default', 1), makeModelVersion('default', 3, { report: null, status: 'rejected' }), makeModelVersion('fast', 2)];
      for (const version of versions) await store.saveModelVersion(version);
      expect(await store.modelVersions()).toStrictEqual([versions[1], versions[2], versions[0]]);
      expect(await store.modelVersions({ line: 'default' })).toStrictEqual([versions[1], versions[0]]);
      expect(await store.modelVersions({ limit: 1 })).toStrictEqual([versions[1]]);
      await expect(store.saveModelVersion(versions[0] as ModelVersion)).rejects.toThrow();
    });

    it('activates, rolls back to the version activated before, and re-activates a rolled-back one', async () => {
      const store = await open();
      for (const version of [makeModelVersion('default', 1), makeModelVersion('default', 2), makeModelVersion('fast', 1)]) await store.saveModelVersion(version);
      expect(store.activeModelVersions()).toEqual([]);
      expect((await store.activateModelVersion('default@1', 10)).activatedAt).toBe(10);
      await store.activateModelVersion('default@2', 20);
      await store.activateModelVersion('fast@1', 15);
      expect(store.activeModelVersions().map((v) => v.id)).toEqual(['default@2', 'fast@1']);
      expect((await store.rollbackModelVersion('default', 30))?.id).toBe('default@1');
      expect(store.activeModelVersions().map((v) => v.id)).toEqual(['default@1', 'fast@1']);
      expect((await store.modelVersions({ line: 'default' }))[0]?.rolledBackAt).toBe(30);
      const again = await store.activateModelVersion('default@2', 40);
      expect(again).toMatchObject({ activatedAt: 40, rolledBackAt: null });
      expect(store.activeModelVersions().map((v) => v.id)).toEqual(['default@2', 'fast@1']);
    });

    it('refuses an unknown id and a rollback with nothing active', async () => {
      const store = await open();
      await store.saveModelVersion(makeModelVersion('default', 1));
      await expect(store.activateModelVersion('default@9')).rejects.toBeInstanceOf(UnknownModelVersionError);
      await expect(store.rollbackModelVersion('default')).rejects.toBeInstanceOf(NothingToRollBackError);
      await store.activateModelVersion('default@1', 5);
      expect(await store.rollbackModelVersion('default', 6)).toBeNull();
      expect(store.activeModelVersions()).toEqual([]);
    });
  });
}
