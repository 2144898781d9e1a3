// The learned scorer over the shipped model (models/default): real GloVe weights, real
// onnxruntime-node. Checks that it ranks hard prompts above chit-chat, reports its timings,
// batches concurrent requests without changing results, and refuses broken model folders.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../src/protocol/chat.ts';
import { createFeatureExtractor } from '../../src/scoring/features/extractor.ts';
import { createLearnedScorer, DEFAULT_MODELS_DIR, DEFAULT_SCORER_MODEL, resolveModelDir, type LearnedScorer } from '../../src/scoring/learned.ts';

const HARD = [
  'Janet has 3 times as many apples as Tom. After giving away 12 apples she has twice as many as Tom. How many apples did each have at first? Show your reasoning step by step.',
  'Prove that there are infinitely many prime numbers p such that p = 3 mod 4.',
  'Write a Python function that returns the longest palindromic substring of a string in O(n^2) time, and explain its complexity.',
  'Find all real x such that sqrt(x + 3) - sqrt(x - 1) = 1, and verify each solution.',
  'Implement a thread-safe LRU cache in Java with O(1) get and put, including eviction.',
  'A train leaves at 3pm at 60 km/h and a second train leaves the same station at 4pm at 90 km/h on the same track. At what time does the second catch up, and how far from the station?',
];
const TRIVIAL = ['hi', 'thanks, that was helpful!', 'good morning :)', 'how are you today?', 'lol ok', 'nice to meet you'];

const request = (text: string): ChatRequest => ({ model: 'test', messages: [{ role: 'user', content: text }] });
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

let scorer: LearnedScorer;
const tempDirs: string[] = [];

beforeAll(async () => {
  scorer = await createLearnedScorer();
});

afterAll(async () => {
  await scorer.close();
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function copyModel(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'triage-learned-'));
  tempDirs.push(dir);
  await cp(resolveModelDir({}), dir, { recursive: true });
  return dir;
}

async function editMeta(dir: string, edit: (meta: Record<string, unknown>) => void): Promise<void> {
  const file = join(dir, 'meta.json');
  const meta = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  edit(meta);
  await writeFile(file, JSON.stringify(meta));
}

describe('learned scorer on the shipped default model', () => {
  it('loads models/default by default', () => {
    expect(DEFAULT_SCORER_MODEL).toBe('default');
    expect(scorer.modelDir).toBe(join(DEFAULT_MODELS_DIR, 'default'));
    expect(scorer.name).toMatch(/^learned:default@\d+$/);
    expect(scorer.extractor.layout.size).toBe(scorer.meta.features.layout.size);
  });

  it('scores math and code above chit-chat on average', async () => {
    const hard = await Promise.all(HARD.map(async (t) => (await scorer.score(request(t))).score));
    const trivial = await Promise.all(TRIVIAL.map(async (t) => (await scorer.score(request(t))).score));
    for (const s of [...hard, ...trivial]) {
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(1);
    }
    // The shipped model's scores sit close to 0.5 (its label is the expected quality gain, mostly
    // ties), so the checks are relative: hard prompts above chit-chat on average and in most pairs.
    expect(mean(hard)).toBeGreaterThan(mean(trivial) + 0.02);
    let above = 0;
    for (const h of hard) for (const t of trivial) above += h > t ? 1 : 0;
    expect(above / (hard.length * trivial.length)).toBeGreaterThanOrEqual(0.65);
    // A constant (or NaN-free but dead) model would not spread real prompts at all.
    expect(Math.max(...hard, ...trivial) - Math.min(...hard, ...trivial)).toBeGreaterThan(0.03);
  });

  it('reports task type and timings, and hits the embedding cache on a repeat', async () => {
    const text = 'Write a SQL query that returns the second highest salary per department.';
    const first = await scorer.score(request(text));
    const second = await scorer.score(request(text));
    expect(second.score).toBe(first.score);
    expect(typeof first.taskType).toBe('string');
    expect(first.details).toMatchObject({ cache_hit: false, batch_size: 1 });
    expect(second.details?.['cache_hit']).toBe(true);
    for (const key of ['embed_ms', 'onnx_ms', 'decide_ms']) expect(typeof first.details?.[key]).toBe('number');
  });

  it('batches concurrent requests into one run without changing any score', async () => {
    const texts = Array.from({ length: 12 }, (_, i) => `Question ${i}: what is ${i * 7} times ${i + 3}, and why?`);
    const sequential: number[] = [];
    const fresh = await createLearnedScorer();
    try {
      for (const t of texts) sequential.push((await fresh.score(request(t))).score);
    } finally {
      await fresh.close();
    }
    const concurrent = await Promise.all(texts.map((t) => scorer.score(request(t))));
    expect(Math.max(...concurrent.map((r) => Number(r.details?.['batch_size'])))).toBeGreaterThan(1);
    concurrent.forEach((r, i) => expect(Math.abs(r.score - (sequential[i] ?? -1))).toBeLessThan(1e-6));
  });

  it('rejects an aborted request', async () => {
    const controller = new AbortController();
    controller.abort(new Error('client went away'));
    await expect(scorer.score(request('hello'), controller.signal)).rejects.toThrow('client went away');
  });
});

describe('learned scorer refuses broken model folders', () => {
  it('rejects a feature layout that differs from what the code extracts', async () => {
    const dir = await copyModel();
    await editMeta(dir, (meta) => {
      const layout = (meta['features'] as { layout: { structural: string[] } }).layout;
      layout.structural = [...layout.structural.slice(1), 'renamed_feature'];
    });
    await expect(createLearnedScorer({ modelDir: dir })).rejects.toThrow(/feature layout mismatch \(structural features differ\).*retrain/);
  });

  it('rejects a model trained with another embedder version', async () => {
    const dir = await copyModel();
    await editMeta(dir, (meta) => {
      (meta['embedder'] as { id: string }).id = 'glove-100d@000000000000';
    });
    await expect(createLearnedScorer({ modelDir: dir })).rejects.toThrow(/trained with embedder glove-100d@000000000000/);
  });

  it('rejects an ONNX graph whose input width differs from the layout', async () => {
    const dir = await copyModel();
    // A consistent meta for other feature groups (the layout the extractor really produces for
    // them), next to the original scorer.onnx: only the graph's input width is wrong.
    const groups = { ...scorer.meta.features.groups, taskTypes: !scorer.meta.features.groups.taskTypes };
    const other = await createFeatureExtractor(scorer.extractor.embedder, groups);
    expect(other.layout.size).not.toBe(scorer.extractor.layout.size);
    await editMeta(dir, (meta) => {
      meta['features'] = { groups, layout: other.layout };
    });
    await expect(createLearnedScorer({ modelDir: dir })).rejects.toThrow(/does not accept \d+ features/);
  });

  it('rejects a scorer.onnx that does not match the checksum in meta.json', async () => {
    const dir = await copyModel();
    const onnx = join(dir, 'scorer.onnx');
    const bytes = await readFile(onnx);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    await writeFile(onnx, bytes);
    await expect(createLearnedScorer({ modelDir: dir })).rejects.toThrow(/sha256 .* does not match meta.json/);
  });

  it('names the missing file when a folder has no meta.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'triage-empty-'));
    tempDirs.push(dir);
    await expect(createLearnedScorer({ modelDir: dir })).rejects.toThrow(/meta.json not found/);
  });
});
