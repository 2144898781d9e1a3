import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/embedding/embedder.ts';
import { createEmbedder } from '../../src/embedding/registry.ts';
import {
  GENERAL_TASK_TYPE,
  inferTaskType,
  TASK_TYPE_NAMES,
  taskTypePrototypes,
} from '../../src/scoring/features/task-types.ts';
import { TASK_TYPE_DEFINITIONS } from '../../src/scoring/features/task-type-descriptions.ts';
import { HELD_OUT_TASK_PROMPTS, LABELLED_TASK_PROMPTS } from './features-task-type-prompts.ts';
import { countingEmbedder } from '../support/counting-embedder.ts';

/** Wraps a real embedder and counts the texts it is asked to embed. */
async function hitRate(embedder: Embedder, prompts: ReadonlyArray<readonly [string, string]>): Promise<number> {
  const prototypes = await taskTypePrototypes(embedder);
  const embeddings = await embedder.embed(prompts.map(([, prompt]) => prompt));
  let hits = 0;
  prompts.forEach(([label], i) => {
    const embedding = embeddings[i];
    if (embedding && prototypes.infer(prototypes.similarities(embedding)).taskType === label) hits++;
  });
  return hits / prompts.length;
}

describe('task-type definitions and labelled prompts', () => {
  it('cover every type with several descriptions, and the labelled prompts are not among them', () => {
    expect(TASK_TYPE_NAMES.length).toBeGreaterThanOrEqual(8);
    expect(new Set(TASK_TYPE_NAMES).size).toBe(TASK_TYPE_NAMES.length);
    expect(TASK_TYPE_NAMES).not.toContain(GENERAL_TASK_TYPE);
    const descriptions = new Set(TASK_TYPE_DEFINITIONS.flatMap((t) => t.descriptions));
    for (const t of TASK_TYPE_DEFINITIONS) expect(t.descriptions.length).toBeGreaterThanOrEqual(6);
    for (const [label, prompt] of [...LABELLED_TASK_PROMPTS, ...HELD_OUT_TASK_PROMPTS]) {
      expect(TASK_TYPE_NAMES).toContain(label);
      expect(descriptions.has(prompt)).toBe(false);
    }
  });
});

// Floors a broken implementation fails (chance is 10%, one constant answer 10%); 'general' counts
// as a miss. Measured with default options when written (labelled / held-out): GloVe 0.675 / 0.567,
// USE-lite 0.925 / 0.833.
const CASES = [
  { spec: 'glove-100d', labelledFloor: 0.6, heldOutFloor: 0.5 },
  { spec: 'use-lite', labelledFloor: 0.85, heldOutFloor: 0.8 },
] as const;

describe.each(CASES)('task types with $spec', ({ spec, labelledFloor, heldOutFloor }) => {
  let embedder: Embedder;
  beforeAll(async () => {
    embedder = await createEmbedder(spec);
  });
  afterAll(async () => {
    await embedder.close();
  });

  it('infer the labelled task types above the floor', async () => {
    const labelled = await hitRate(embedder, LABELLED_TASK_PROMPTS);
    const heldOut = await hitRate(embedder, HELD_OUT_TASK_PROMPTS);
    console.log(`task-type hit rate ${embedder.id}: labelled ${labelled.toFixed(3)}, held-out ${heldOut.toFixed(3)}`);
    expect(labelled).toBeGreaterThanOrEqual(labelledFloor);
    expect(heldOut).toBeGreaterThanOrEqual(heldOutFloor);
  });

  it('give one similarity per type, finite, and general for empty text', async () => {
    const prototypes = await taskTypePrototypes(embedder);
    const [embedding] = await embedder.embed(['Translate this sentence into Spanish, please.']);
    const sims = prototypes.similarities(embedding ?? new Float32Array(embedder.dim));
    expect(sims.length).toBe(TASK_TYPE_NAMES.length);
    for (const sim of sims) expect(Math.abs(sim)).toBeLessThanOrEqual(1.0001);
    expect(prototypes.infer(sims).taskType).toBe('translation');
    expect((await inferTaskType(embedder, '')).taskType).toBe(GENERAL_TASK_TYPE);
  });
});

describe('task-type prototypes', () => {
  it('are built once per embedder id and options', async () => {
    const inner = await createEmbedder('glove-100d');
    // A unique id, so the prototype cache (keyed by embedder id) starts empty for this test.
    const embedder = countingEmbedder(inner, `${inner.id}+counting${Math.random()}`);
    const first = await taskTypePrototypes(embedder);
    const descriptions = embedder.texts;
    expect(descriptions).toBe(TASK_TYPE_DEFINITIONS.flatMap((t) => t.descriptions).length);
    expect(await taskTypePrototypes(embedder)).toBe(first);
    expect(embedder.texts).toBe(descriptions);
    const max = await taskTypePrototypes(embedder, { aggregate: 'max' });
    expect(max).not.toBe(first);
    await embedder.close();
  });

  it('answer general when the best type does not win by the margin', async () => {
    const embedder = await createEmbedder('glove-100d');
    const strict = await taskTypePrototypes(embedder, { margin: 2 });
    const [embedding] = await embedder.embed(['Write a Python function that sorts a list.']);
    const sims = strict.similarities(embedding ?? new Float32Array(embedder.dim));
    expect(strict.infer(sims).taskType).toBe(GENERAL_TASK_TYPE);
    const lenient = await taskTypePrototypes(embedder, { margin: 0 });
    expect(lenient.infer(sims).taskType).toBe('code');
    await embedder.close();
  });
});
