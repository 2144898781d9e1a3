import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/embedding/embedder.ts';
import { createEmbedder } from '../../src/embedding/registry.ts';
import type { ChatRequest } from '../../src/protocol/chat.ts';
import {
  createFeatureExtractor,
  FEATURE_LAYOUT_VERSION,
  layoutMismatch,
  type FeatureLayout,
} from '../../src/scoring/features/extractor.ts';
import { STRUCTURAL_FEATURE_NAMES, structuralFeatures } from '../../src/scoring/features/structural.ts';
import { TASK_TYPE_DEFINITIONS } from '../../src/scoring/features/task-type-descriptions.ts';
import { TASK_TYPE_NAMES, taskTypePrototypes } from '../../src/scoring/features/task-types.ts';
import { DEFAULT_SHAPING_LIMITS, promptRequest, shapeInput } from '../../src/scoring/shaping.ts';

/** A real embedder that counts the texts it embeds (its id is unchanged). */
function counting(embedder: Embedder): Embedder & { texts: number; calls: number } {
  const wrapper = {
    id: embedder.id,
    dim: embedder.dim,
    texts: 0,
    calls: 0,
    async embed(texts: readonly string[]) {
      wrapper.calls++;
      wrapper.texts += texts.length;
      return embedder.embed(texts);
    },
    close: () => embedder.close(),
  };
  return wrapper;
}

const REQUESTS: ChatRequest[] = [
  promptRequest('Solve 3x + 5 = 20 for x.'),
  promptRequest('Write a haiku about the sea.'),
  {
    model: 'triage',
    messages: [
      { role: 'system', content: 'You are a careful senior engineer.' },
      { role: 'user', content: 'Write a Rust function that parses a CSV line.' },
      { role: 'assistant', content: 'Here is a first version using split.' },
      { role: 'user', content: 'Handle quoted fields too.' },
    ],
    tools: [{ type: 'function', function: { name: 'run_tests' } }],
  },
  promptRequest(''),
  promptRequest('Write a haiku about the sea.'),
];

describe('feature extractor (glove-100d)', () => {
  let base: Embedder;
  beforeAll(async () => {
    base = await createEmbedder('glove-100d');
  });
  afterAll(async () => {
    await base.close();
  });

  it('lays out [embedding, structural, task-type similarities] and says so in its layout', async () => {
    const extractor = await createFeatureExtractor(base);
    const { layout } = extractor;
    expect(layout).toMatchObject({ version: FEATURE_LAYOUT_VERSION, embedderId: base.id, embeddingDim: base.dim });
    expect(layout.structural).toEqual(STRUCTURAL_FEATURE_NAMES);
    expect(layout.taskTypes).toEqual(TASK_TYPE_NAMES);
    expect(layout.size).toBe(base.dim + STRUCTURAL_FEATURE_NAMES.length + TASK_TYPE_NAMES.length);
    expect(layout.shaping).toEqual(DEFAULT_SHAPING_LIMITS);

    const request = REQUESTS[2] as ChatRequest;
    const { vector, taskType, details } = await extractor.extract(request);
    expect(vector.length).toBe(layout.size);
    const shaped = shapeInput(request);
    const [embedding] = await base.embed([shaped.text]);
    const prototypes = await taskTypePrototypes(base);
    const structuralStart = base.dim;
    const taskStart = structuralStart + layout.structural.length;
    expect(Array.from(vector.subarray(0, structuralStart))).toEqual(Array.from(embedding ?? []));
    expect(Array.from(vector.subarray(structuralStart, taskStart))).toEqual(Array.from(structuralFeatures(shaped)));
    const sims = prototypes.similarities(embedding ?? new Float32Array(base.dim));
    expect(Array.from(vector.subarray(taskStart))).toEqual(Array.from(sims));
    expect(taskType).toBe(prototypes.infer(sims).taskType);
    expect(details).toMatchObject({ context_included: true, cache_hit: false, task_type: taskType });
    expect(details['shaped_chars']).toBe(shaped.text.length);
  });

  it('has a stable, JSON-serialisable layout that a model can check', async () => {
    const a = await createFeatureExtractor(base);
    const b = await createFeatureExtractor(base, { cacheSize: 3 });
    const stored = JSON.parse(JSON.stringify(a.layout)) as FeatureLayout;
    expect(stored).toEqual(b.layout);
    expect(layoutMismatch(stored, b.layout)).toBeUndefined();
    expect(layoutMismatch(stored, { ...b.layout, embedderId: 'use-lite@0.2.0' })).toMatch(/embedderId/);
    expect(layoutMismatch(stored, { ...b.layout, structural: [...b.layout.structural].reverse() })).toMatch(/structural/);
    const otherShaping = await createFeatureExtractor(base, { shaping: { lastUserChars: 500 } });
    expect(layoutMismatch(stored, otherShaping.layout)).toMatch(/shaping/);
  });

  it('changes FEATURE_LAYOUT_VERSION whenever feature names, descriptions or shaping defaults change', () => {
    // If this fails you changed what the features mean: bump FEATURE_LAYOUT_VERSION and update the
    // pair. (Names only stand for the structural features: a changed regex needs a bump too.)
    const definition = JSON.stringify([STRUCTURAL_FEATURE_NAMES, TASK_TYPE_DEFINITIONS, DEFAULT_SHAPING_LIMITS]);
    const fingerprint = createHash('sha256').update(definition).digest('hex').slice(0, 16);
    expect([FEATURE_LAYOUT_VERSION, fingerprint]).toEqual([1, '8b1733b42342f313']);
  });

  it('gives the same results in a batch as one by one, with one embedder call per batch', async () => {
    const embedder = counting(base);
    const extractor = await createFeatureExtractor(embedder);
    const [callsBefore, textsBefore] = [embedder.calls, embedder.texts];
    const batched = await extractor.extractBatch(REQUESTS);
    expect(embedder.calls - callsBefore).toBe(1);
    const distinctTexts = new Set(REQUESTS.map((r) => shapeInput(r).text)).size;
    expect(distinctTexts).toBe(REQUESTS.length - 1);
    expect(embedder.texts - textsBefore).toBe(distinctTexts);
    const single = await createFeatureExtractor(base, { cacheSize: 0 });
    for (const [i, request] of REQUESTS.entries()) {
      const one = await single.extract(request);
      expect(Array.from(batched[i]?.vector ?? [])).toEqual(Array.from(one.vector));
      expect(batched[i]?.taskType).toBe(one.taskType);
    }
  });

  it('caches embeddings by shaped input: a resent context is not embedded again', async () => {
    const embedder = counting(base);
    const extractor = await createFeatureExtractor(embedder);
    const before = embedder.texts;
    const first = await extractor.extract(REQUESTS[2] as ChatRequest);
    const resent = structuredClone(REQUESTS[2] as ChatRequest);
    resent.messages[0] = { role: 'system', content: 'A different, much longer system prompt that is not embedded.' };
    const second = await extractor.extract(resent);
    expect(embedder.texts - before).toBe(1);
    expect(first.details['cache_hit']).toBe(false);
    expect(second.details['cache_hit']).toBe(true);
    expect(Array.from(second.vector.subarray(0, base.dim))).toEqual(Array.from(first.vector.subarray(0, base.dim)));
  });

  it('turns feature groups off for ablation and still infers the task type', async () => {
    const structuralOnly = await createFeatureExtractor(base, { embedding: false, taskTypes: false });
    expect(structuralOnly.layout).toMatchObject({ embeddingDim: 0, taskTypes: [], size: STRUCTURAL_FEATURE_NAMES.length });
    expect(structuralOnly.layout.taskTypeOptions).toBeUndefined();
    const math = await structuralOnly.extractPrompt('Solve the equation 2x + 3 = 11 and compute x squared.');
    expect(math.vector.length).toBe(STRUCTURAL_FEATURE_NAMES.length);
    expect(math.taskType).toBe('math');

    const noStructural = await createFeatureExtractor(base, { structural: false });
    expect(noStructural.layout.size).toBe(base.dim + TASK_TYPE_NAMES.length);
    expect((await noStructural.extractPrompt('hello')).vector.length).toBe(noStructural.layout.size);

    const bare = await createFeatureExtractor(base, { embedding: false, taskTypes: false, inferTaskType: false });
    expect((await bare.extractPrompt('Solve 2x = 4')).taskType).toBe('general');
  });

  it('reads a bare prompt as one user turn', async () => {
    const extractor = await createFeatureExtractor(base, { cacheSize: 0 });
    const text = 'Explain why the sky is blue.';
    const viaPrompt = await extractor.extractPrompt(text);
    const viaRequest = await extractor.extract({ model: 'x', messages: [{ role: 'user', content: text }] });
    expect(Array.from(viaPrompt.vector)).toEqual(Array.from(viaRequest.vector));
    const [many] = await extractor.extractPrompts([text]);
    expect(Array.from(many?.vector ?? [])).toEqual(Array.from(viaPrompt.vector));
  });
});
