import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDatasets } from '../../src/training/data/build.ts';
import { assertDisjoint, assertNoMtBench, DataLeakError, removeLeaks, testHashes } from '../../src/training/data/disjoint.ts';
import { computePromptHash, makeRecord } from '../../src/training/data/format.ts';
import { readRecords } from '../../src/training/data/jsonl.ts';
import { readManifest } from '../../src/training/data/manifest.ts';
import { HUB_FIXTURES, MIRROR, NO_PUBLIC_DATA, PROJECT_MANIFEST } from './paths.ts';
import { suiteTempDir } from '../support/temp-dir.ts';

const record = (id: string, prompt: string, split: 'train' | 'test', source = 'mine') =>
  makeRecord({ id, prompt, scores: { s: 1, w: 0 }, source, split });

describe('train/test separation', () => {
  it('assertDisjoint throws when a training prompt is a test prompt (after normalisation)', () => {
    const test = [record('t1', 'What is the capital of France?', 'test')];
    const clean = [record('a', 'Something else', 'train')];
    const leaking = [...clean, record('b', '  what is the   CAPITAL of France? ', 'train')];
    expect(() => assertDisjoint(clean, test)).not.toThrow();
    expect(() => assertDisjoint(leaking, test)).toThrow(DataLeakError);
    expect(() => assertDisjoint(leaking, new Set(test.map((r) => r.promptHash)))).toThrow(/1 training record/);
    expect(removeLeaks(leaking, new Set(test.map((r) => r.promptHash)))).toEqual({ kept: clean, dropped: 1 });
  });

  it('test hashes cover every turn of multi-turn test records', () => {
    const multi = makeRecord({ id: 'm', prompt: 'first', turns: ['first', 'second'], scores: {}, source: 'x', split: 'test' });
    expect(testHashes([multi], computePromptHash)).toEqual(new Set([computePromptHash('first'), computePromptHash('second')]));
  });

  it('assertNoMtBench refuses MT-Bench records, test records and MT-Bench prompts', () => {
    const train = [record('a', 'fine', 'train')];
    expect(() => assertNoMtBench(train)).not.toThrow();
    expect(() => assertNoMtBench([...train, record('q', 'mt', 'train', 'mt-bench')])).toThrow(DataLeakError);
    expect(() => assertNoMtBench([...train, record('t', 'held out', 'test')])).toThrow(/MT-Bench or test/);
    expect(() => assertNoMtBench(train, new Set([computePromptHash('FINE')]))).toThrow(DataLeakError);
  });
});

describe('buildDatasets', () => {
  const tmp = suiteTempDir('triage-build-');

  it.skipIf(NO_PUBLIC_DATA)('drops a hub training prompt that is an MT-Bench question and keeps the sets disjoint', async () => {
    const reports = await buildDatasets({
      manifest: await readManifest(PROJECT_MANIFEST),
      outDir: tmp.path,
      sources: ['mt-bench', 'gpt4-judge'],
      hubExports: { 'gpt4-judge': join(HUB_FIXTURES, 'gpt4-dataset-sample.jsonl') },
      fetch: { mirror: MIRROR },
    });
    const judge = reports.find((r) => r.source === 'gpt4-judge');
    const mt = reports.find((r) => r.source === 'mt-bench');
    expect(mt?.summary.test).toBe(72);
    expect(mt?.origins).toEqual({ mirror: 3 });
    const written = await readRecords(join(tmp.path, 'gpt4-judge.jsonl'));
    const mtHashes = testHashes(await readRecords(join(tmp.path, 'mt-bench.jsonl')), computePromptHash);
    const leaked = written.filter((r) => r.split === 'train' && mtHashes.has(r.promptHash));
    expect(leaked).toEqual([]);
    // The fixture's fifth prompt is MT-Bench question 86 in other case and spacing (its hash falls
    // in the train split), so it must have been dropped from training.
    const q86 = computePromptHash('Write a descriptive paragraph about a bustling marketplace, incorporating sensory details such as smells, sounds, and visual elements to create an immersive experience for the reader.');
    expect(mtHashes.has(q86)).toBe(true);
    expect(written.some((r) => r.promptHash === q86)).toBe(false);
    expect(judge?.droppedLeaks).toBe(1);
    expect(judge?.summary.records).toBe(4);
    expect(await readFile(join(tmp.path, 'raw', '.gitignore'), 'utf8')).toContain('*');
  });

  it.skipIf(NO_PUBLIC_DATA)('checks new training data against test sets already on disk', async () => {
    // mt-bench.jsonl from the previous build is on disk; building gpt4-judge alone must still see it.
    await cp(join(tmp.path, 'gpt4-judge.jsonl'), join(tmp.path, 'before.jsonl'));
    const [report] = await buildDatasets({
      manifest: await readManifest(PROJECT_MANIFEST),
      outDir: tmp.path,
      sources: ['gpt4-judge'],
      hubExports: { 'gpt4-judge': join(HUB_FIXTURES, 'gpt4-dataset-sample.jsonl') },
    });
    expect(await readFile(join(tmp.path, 'gpt4-judge.jsonl'), 'utf8')).toBe(await readFile(join(tmp.path, 'before.jsonl'), 'utf8'));
    expect(report?.droppedLeaks).toBe(1);
  });

  it('rejects unknown sources and hub sources without an export', async () => {
    const manifest = await readManifest(PROJECT_MANIFEST);
    await expect(buildDatasets({ manifest, outDir: tmp.path, sources: ['nope'] })).rejects.toThrow(/unknown data source/);
    await expect(buildDatasets({ manifest, outDir: tmp.path, sources: ['arena-battles'] })).rejects.toThrow(/needs a downloaded export/);
  });
});
