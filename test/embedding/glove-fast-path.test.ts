import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { afterAll, describe, expect, it } from 'vitest';
import { createTransformersEmbedder } from '../../src/embedding/transformers.ts';
import { createWordVectorEmbedder } from '../../src/embedding/word-vectors.ts';
import { createWordTokenizer } from '../../src/embedding/word-vector-tokenizer.ts';
import { describeEmbedderConformance, longText } from './embedder.conformance.ts';
import { GLOVE_DIR } from './support.ts';

describeEmbedderConformance('glove-100d fast path (table engine)', {
  create: () => createWordVectorEmbedder({ modelDir: GLOVE_DIR }),
  dim: 100,
  semantic: true,
});
describeEmbedderConformance('glove-100d fast path (onnx engine)', {
  create: () => createWordVectorEmbedder({ modelDir: GLOVE_DIR, engine: 'onnx' }),
  dim: 100,
  semantic: true,
});

const TRICKY_TEXTS = [
  'The cat sat on the mat.',
  "Don't panic: it's only a well-known O(n log n) algorithm, isn't it?",
  'snake_case_identifier and camelCaseIdentifier in my_module.py',
  'def reverse(head):\n    prev = None\n    while head:\n        head.next, prev, head = prev, head, head.next\n    return prev',
  'Prices rose 3.5% to $1,200 in 2019 (up from €900).',
  'Café déjà vu — naïve façade 🙂 日本語のテキスト “quoted” ‘single’',
  'zzqqxx qqzzyy',
  'ÉCOLE NORMALE SUPÉRIEURE İstanbul ΣΊΣΥΦΟΣ',
  `${'x'.repeat(120)} the ${'a'.repeat(101)}`,
  longText(5000),
];

describe('glove-100d fast path', () => {
  const temporary: string[] = [];
  afterAll(() => temporary.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('tokenises exactly like transformers.js reading the same tokenizer.json', async () => {
    env.allowRemoteModels = false;
    env.localModelPath = `${join(GLOVE_DIR, '..')}/`;
    const reference = await AutoTokenizer.from_pretrained('glove-100d', { local_files_only: true });
    const fast = createWordTokenizer(JSON.parse(readFileSync(join(GLOVE_DIR, 'tokenizer.json'), 'utf8')));
    for (const text of TRICKY_TEXTS) {
      const expected = reference.encode(text);
      expect(fast.encode(text)).toEqual(expected);
    }
    // Sanity: the vocabulary is word-level and lowercased.
    expect(fast.encode('The THE the')).toEqual([2, 2, 2]);
    expect(fast.encode('zzqqxx')).toEqual([fast.unkId]);
  });

  it('gives the same vectors as transformers.js over the same folder (within 1e-4)', async () => {
    const fastTable = await createWordVectorEmbedder({ modelDir: GLOVE_DIR });
    const fastOnnx = await createWordVectorEmbedder({ modelDir: GLOVE_DIR, engine: 'onnx' });
    const reference = await createTransformersEmbedder({ modelDir: GLOVE_DIR });
    try {
      const expected = await reference.embed(TRICKY_TEXTS);
      for (const fast of [fastTable, fastOnnx]) {
        const actual = await fast.embed(TRICKY_TEXTS);
        actual.forEach((vector, row) => {
          const want = expected[row] as Float32Array;
          vector.forEach((value, d) => expect(Math.abs(value - (want[d] as number))).toBeLessThan(1e-4));
        });
      }
      // Text made only of unknown words has no meaning to average: zero, like empty text.
      expect(expected[6]?.every((value) => value === 0)).toBe(true);
    } finally {
      await Promise.all([fastTable.close(), fastOnnx.close(), reference.close()]);
    }
  });

  it('names itself after the folder and the model sha256', async () => {
    const embedder = await createWordVectorEmbedder({ modelDir: GLOVE_DIR });
    const config = JSON.parse(readFileSync(join(GLOVE_DIR, 'config.json'), 'utf8')) as { triage: { model_sha256: string } };
    expect(embedder.id).toBe(`glove-100d@${config.triage.model_sha256.slice(0, 12)}`);
    await embedder.close();
  });

  it('refuses a folder whose model.onnx does not match the recorded sha256', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'triage-glove-'));
    temporary.push(copy);
    cpSync(GLOVE_DIR, copy, { recursive: true });
    const modelPath = join(copy, 'onnx', 'model.onnx');
    const bytes = readFileSync(modelPath);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
    writeFileSync(modelPath, bytes);
    await expect(createWordVectorEmbedder({ modelDir: copy })).rejects.toThrow(/sha256/);
  });

  it('rejects folders that are not word-vector folders', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'triage-empty-'));
    temporary.push(empty);
    await expect(createWordVectorEmbedder({ modelDir: empty })).rejects.toThrow(/no config\.json/);
  });
});
