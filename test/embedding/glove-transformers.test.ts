import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTransformersEmbedder } from '../../src/embedding/transformers.ts';
import { describeEmbedderConformance } from './embedder.conformance.ts';
import { GLOVE_DIR } from './support.ts';

// The same shipped folder through the generic transformers.js path (any local model folder).
describeEmbedderConformance('glove-100d via transformers.js', {
  create: () => createTransformersEmbedder({ modelDir: GLOVE_DIR }),
  dim: 100,
  batchTolerance: 1e-6,
  semantic: true,
});
describeEmbedderConformance('glove-100d via transformers.js, batch size 2', {
  create: () => createTransformersEmbedder({ modelDir: GLOVE_DIR, batchSize: 2 }),
  dim: 100,
  batchTolerance: 1e-6,
  semantic: true,
});

describe('transformers.js embedder loading', () => {
  const copyParent = mkdtempSync(join(tmpdir(), 'triage-tjs-'));
  afterAll(() => rmSync(copyParent, { recursive: true, force: true }));

  it('loads folders from different parents at the same time without mixing them up', async () => {
    // transformers.js reads from one global env.localModelPath; loads must not interleave.
    const copy = join(copyParent, 'glove-copy');
    cpSync(GLOVE_DIR, copy, { recursive: true });
    const [original, copied] = await Promise.all([createTransformersEmbedder({ modelDir: GLOVE_DIR }), createTransformersEmbedder({ modelDir: copy })]);
    expect(original.id).toMatch(/^transformers:glove-100d@/);
    expect(copied.id).toMatch(/^transformers:glove-copy@/);
    await Promise.all([original.close(), copied.close()]);
  });

  it('fails clearly for a folder without the model file', async () => {
    const broken = join(copyParent, 'no-onnx');
    cpSync(GLOVE_DIR, broken, { recursive: true });
    rmSync(join(broken, 'onnx'), { recursive: true });
    await expect(createTransformersEmbedder({ modelDir: broken })).rejects.toThrow();
    // A failed load does not block the next one.
    const ok = await createTransformersEmbedder({ modelDir: GLOVE_DIR });
    await ok.close();
  });
});
