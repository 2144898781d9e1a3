// End to end on a small labelled set written here: load (leak-checked) -> embed through the disk
// cache -> cross-validate -> train -> export ONNX + meta.json -> load with the learned scorer.
// Uses the weight-free hashed n-gram embedder so no model download or fetched data is needed.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLearnedScorer } from '../../src/scoring/learned.ts';
import { readModelMeta } from '../../src/scoring/learned/meta.ts';
import { DataLeakError } from '../../src/training/data/disjoint.ts';
import { makeRecord, type LabelledRecord } from '../../src/training/data/format.ts';
import { writeRecords } from '../../src/training/data/jsonl.ts';
import { loadTrainingCorpus } from '../../src/training/dataset.ts';
import { prepareTrainingData, trainAndExport } from '../../src/training/pipeline.ts';
import type { Variant } from '../../src/training/variant.ts';

const STRONG = 'big-model';
const WEAK = 'small-model';
const EMBEDDER = 'hashed-ngrams:64';

function mathPrompt(i: number): string {
  return `A shop sells ${i + 3} boxes with ${2 * i + 5} pens each. If ${i} pens are lost and the rest are shared by ${i % 7 + 2} students, how many pens does each student get? Solve the equation step by step: ${i}x + ${i + 1} = ${3 * i + 7}.`;
}
function chatPrompt(i: number): string {
  return ['hi there', 'thanks a lot!', 'good morning', 'how are you doing today', 'nice, see you later', 'ok cool'][i % 6] + ` #${i}`;
}

function records(source: string, split: 'train' | 'test', from: number, count: number): LabelledRecord[] {
  const out: LabelledRecord[] = [];
  for (let i = from; i < from + count; i++) {
    const math = i % 2 === 0;
    // Math: the strong model is right and the weak one mostly wrong; chat: both right.
    const scores = math ? { [STRONG]: 1, [WEAK]: i % 10 === 0 ? 1 : 0 } : { [STRONG]: 1, [WEAK]: 1 };
    out.push(makeRecord({ id: `${source}/${i}`, prompt: math ? mathPrompt(i) : chatPrompt(i), scores, source, split }));
  }
  return out;
}

const VARIANT: Variant = { trainer: 'logistic', logistic: { l2: 1e-3 }, label: 'gap', weighting: 'sources', groups: { embedding: true, structural: true, taskTypes: true } };
let dataDir: string;
const dirs: string[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'triage-pipeline-'));
  dirs.push(dataDir);
  await writeRecords(join(dataDir, 'toy.jsonl'), [...records('toy', 'train', 0, 120), ...records('toy', 'test', 1000, 40)]);
  await writeRecords(join(dataDir, 'mt-bench.jsonl'), records('mt-bench', 'test', 2000, 10));
});
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('training pipeline', () => {
  it('trains, exports and reloads a scorer that ranks the learned pattern', async () => {
    const modelsDir = await mkdtemp(join(tmpdir(), 'triage-models-'));
    dirs.push(modelsDir);
    const pair = { strong: STRONG, weak: WEAK };
    const prepared = await prepareTrainingData({ dataDir, sources: ['toy'], embedderSpec: EMBEDDER, pair, progress: false });
    expect(prepared.embedder.stats.misses).toBeGreaterThan(100);
    const result = await trainAndExport(prepared, { name: 'toy-model', modelsDir, variant: VARIANT, cvFolds: 3, tune: false });
    await prepared.close();
    expect(result.version).toBe(1);
    // Half the prompts are wins, so even the oracle stays near 0.75 here; random is 0.5.
    expect(result.score?.cv.perSource['toy']?.apgr).toBeGreaterThan(0.62);
    expect(result.heldOut['toy']?.apgr).toBeGreaterThan(0.62);
    expect(result.heldOut['mt-bench']?.note).toMatch(/never used for selection/);

    const meta = await readModelMeta(result.modelDir);
    const fileHash = createHash('sha256').update(await readFile(join(dataDir, 'toy.jsonl'))).digest('hex');
    expect(meta.training.sources).toEqual([{ name: 'toy', file: 'toy.jsonl', sha256: fileHash, records: 120, weight: 1 }]);
    expect(meta.embedder.spec).toBe(EMBEDDER);
    expect(meta.label).toMatchObject({ definition: 'gap', strong: STRONG, weak: WEAK });
    expect(meta.training.selection).toMatch(/MT-Bench were never used/);

    const scorer = await createLearnedScorer({ modelsDir, name: 'toy-model' });
    try {
      const math = await scorer.score({ model: 'x', messages: [{ role: 'user', content: mathPrompt(77) }] });
      const chat = await scorer.score({ model: 'x', messages: [{ role: 'user', content: 'hello, how are you doing today?' }] });
      expect(math.score).toBeGreaterThan(chat.score + 0.2);
    } finally {
      await scorer.close();
    }

    // A re-train reads every embedding from the disk cache and bumps the version.
    const again = await prepareTrainingData({ dataDir, sources: ['toy'], embedderSpec: EMBEDDER, pair, progress: false });
    expect(again.embedder.stats.misses).toBe(0);
    const second = await trainAndExport(again, { name: 'toy-model', modelsDir, variant: { ...VARIANT, trainer: 'mlp', mlp: { hidden: 8, maxEpochs: 20 } }, cvFolds: 0, tune: false });
    await again.close();
    expect(second.version).toBe(2);
    expect((await readModelMeta(second.modelDir)).model.kind).toBe('mlp');
  });

  it('exports a variant with dropped features and per-source offsets at the full layout width, and it still routes', async () => {
    const modelsDir = await mkdtemp(join(tmpdir(), 'triage-models-'));
    dirs.push(modelsDir);
    const prepared = await prepareTrainingData({ dataDir, sources: ['toy'], embedderSpec: EMBEDDER, pair: { strong: STRONG, weak: WEAK }, progress: false });
    const variant: Variant = { ...VARIANT, groups: { embedding: false, structural: true, taskTypes: false }, dropFeatures: ['last_user_log_chars', 'total_log_chars'], sourceOffsets: true };
    const result = await trainAndExport(prepared, { name: 'narrow', modelsDir, variant, cvFolds: 0, tune: false });
    await prepared.close();
    const meta = await readModelMeta(result.modelDir);
    expect(meta.features.layout.size).toBe(meta.features.layout.structural.length);
    expect(meta.model.hyperParameters).toMatchObject({ dropFeatures: ['last_user_log_chars', 'total_log_chars'], sourceOffsets: true });
    const scorer = await createLearnedScorer({ modelsDir, name: 'narrow' });
    try {
      const math = await scorer.score({ model: 'x', messages: [{ role: 'user', content: mathPrompt(79) }] });
      const chat = await scorer.score({ model: 'x', messages: [{ role: 'user', content: 'hello, how are you doing today?' }] });
      expect(math.score).toBeGreaterThan(chat.score + 0.2);
    } finally {
      await scorer.close();
    }
  });
});

describe('sign guard in training', () => {
  // Two sources where prompt length means the opposite: long prompts are the hard ones in one and
  // the easy ones in the other. Every other structural feature is the same for all prompts.
  const short = (i: number) => `Tell me about item ${i}.`;
  const long = (i: number) => `${'Please tell me about the item in some detail. '.repeat(12)}Item ${i}.`;
  function flipped(source: string, longIsHard: boolean): LabelledRecord[] {
    return Array.from({ length: 80 }, (_, i) => {
      const isLong = i % 2 === 0;
      const hard = isLong === longIsHard ? i % 8 !== 0 : i % 8 === 1;
      return makeRecord({ id: `${source}/${i}`, prompt: `${source}: ${isLong ? long(i) : short(i)}`, scores: { [STRONG]: 1, [WEAK]: hard ? 0 : 1 }, source, split: 'train' });
    });
  }

  it('drops a feature whose effect flips sign between sources (and keeps it when the guard is off)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'triage-flip-'));
    dirs.push(dir);
    await writeRecords(join(dir, 'long-hard.jsonl'), flipped('long-hard', true));
    await writeRecords(join(dir, 'long-easy.jsonl'), flipped('long-easy', false));
    const variant: Variant = { ...VARIANT, groups: { embedding: false, structural: true, taskTypes: false } };
    const prepared = await prepareTrainingData({ dataDir: dir, sources: ['long-hard', 'long-easy'], embedderSpec: EMBEDDER, pair: { strong: STRONG, weak: WEAK }, progress: false });
    try {
      const guarded = await trainAndExport(prepared, { name: 'guarded', modelsDir: dir, variant, cvFolds: 0, tune: false });
      expect(guarded.variant.dropFeatures).toEqual(expect.arrayContaining(['last_user_log_chars', 'total_log_chars']));
      const meta = await readModelMeta(guarded.modelDir);
      expect(meta.model.hyperParameters['signGuard']).toMatchObject({ dropped: expect.arrayContaining(['last_user_log_chars']) });
      const off = await trainAndExport(prepared, { name: 'unguarded', modelsDir: dir, variant, cvFolds: 0, tune: false, signGuard: false });
      expect(off.variant.dropFeatures ?? []).toEqual([]);
    } finally {
      await prepared.close();
    }
  });
});

describe('training data guards', () => {
  it('refuses to train on MT-Bench', async () => {
    await expect(loadTrainingCorpus(dataDir, ['mt-bench'])).rejects.toThrow(/test set only/);
  });

  it('refuses a training prompt that is a test prompt in another file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'triage-leak-'));
    dirs.push(dir);
    const train = records('a', 'train', 0, 10);
    const leaked = makeRecord({ id: 'b/1', prompt: `  ${(train[3] as LabelledRecord).prompt.toUpperCase()} `, scores: { [STRONG]: 1, [WEAK]: 0 }, source: 'b', split: 'test' });
    await writeRecords(join(dir, 'a.jsonl'), train);
    await writeRecords(join(dir, 'b.jsonl'), [leaked]);
    await expect(loadTrainingCorpus(dir, ['a'])).rejects.toBeInstanceOf(DataLeakError);
  });

  it('returns train splits only', async () => {
    const corpus = await loadTrainingCorpus(dataDir, ['toy']);
    expect(corpus.sources[0]?.records.every((r) => r.split === 'train')).toBe(true);
    expect(corpus.testBySource.get('toy')?.length).toBe(40);
    expect(corpus.testBySource.get('mt-bench')?.length).toBe(10);
  });
});
