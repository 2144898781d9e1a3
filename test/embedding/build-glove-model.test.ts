import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGloveModel } from '../../scripts/build-glove-model.ts';
import { createTransformersEmbedder } from '../../src/embedding/transformers.ts';
import { readEmbeddingTable } from '../../src/embedding/word-vector-onnx.ts';
import { createWordVectorEmbedder } from '../../src/embedding/word-vectors.ts';
import { GLOVE_DIR } from './support.ts';

const SMALL_VOCAB = 300;
const run = promisify(execFile);

function filesOf(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesOf(dir, join(prefix, entry.name)) : [join(prefix, entry.name)],
  );
}

function vocabOf(dir: string): Record<string, number> {
  return (JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } }).model.vocab;
}

describe('the shipped glove-100d folder', () => {
  it('holds the files transformers.js and the fast path need, small enough to commit', () => {
    expect(filesOf(GLOVE_DIR).sort()).toEqual(['LICENSE', 'README.md', 'config.json', join('onnx', 'model.onnx'), 'tokenizer.json', 'tokenizer_config.json']);
    const totalBytes = filesOf(GLOVE_DIR).reduce((sum, file) => sum + statSync(join(GLOVE_DIR, file)).size, 0);
    expect(totalBytes).toBeLessThan(25e6);
    const license = readFileSync(join(GLOVE_DIR, 'LICENSE'), 'utf8');
    expect(license).toContain('The MIT License');
    expect(license).toContain('Public Domain Dedication and License v1.0');
  });

  it('records the sha256 of model.onnx and a vocabulary that matches the embedding table', () => {
    const config = JSON.parse(readFileSync(join(GLOVE_DIR, 'config.json'), 'utf8')) as { vocab_size: number; triage: { model_sha256: string; words: number } };
    const modelBytes = readFileSync(join(GLOVE_DIR, 'onnx', 'model.onnx'));
    expect(createHash('sha256').update(modelBytes).digest('hex')).toBe(config.triage.model_sha256);
    const { table, vocabSize, dim } = readEmbeddingTable(modelBytes);
    expect([vocabSize, dim]).toEqual([config.vocab_size, 100]);
    expect(Object.keys(vocabOf(GLOVE_DIR))).toHaveLength(vocabSize);
    expect(config.triage.words).toBe(vocabSize - 2);
    // [PAD] and [UNK] rows are zero; real words are not.
    expect(table.subarray(0, 2 * dim).every((value) => value === 0)).toBe(true);
    expect(table.subarray(2 * dim, 3 * dim).some((value) => value !== 0)).toBe(true);
  });
});

describe('scripts/build-glove-model.ts', () => {
  const viaCommand = mkdtempSync(join(tmpdir(), 'triage-glove-cmd-'));
  const inProcess = mkdtempSync(join(tmpdir(), 'triage-glove-fn-'));
  beforeAll(async () => {
    await run(process.execPath, ['--import', 'tsx', 'scripts/build-glove-model.ts', '--vocab-size', String(SMALL_VOCAB), '--out', viaCommand], { cwd: join(GLOVE_DIR, '..', '..', '..') });
    buildGloveModel({ vocabSize: SMALL_VOCAB, outDir: inProcess });
  }, 120_000);
  afterAll(() => [viaCommand, inProcess].forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('writes the same bytes on every run', () => {
    const files = filesOf(viaCommand).sort();
    expect(files).toEqual(filesOf(inProcess).sort());
    for (const file of files) expect(readFileSync(join(viaCommand, file)).equals(readFileSync(join(inProcess, file))), file).toBe(true);
  });

  it('keeps the most frequent words first, with the same ids and vectors as the shipped folder', () => {
    const small = vocabOf(viaCommand);
    const shipped = vocabOf(GLOVE_DIR);
    expect(Object.keys(small)).toHaveLength(SMALL_VOCAB + 2);
    for (const [word, id] of Object.entries(small)) expect(shipped[word]).toBe(id);
    expect(small.the).toBe(2);
    const smallTable = readEmbeddingTable(readFileSync(join(viaCommand, 'onnx', 'model.onnx'))).table;
    const shippedTable = readEmbeddingTable(readFileSync(join(GLOVE_DIR, 'onnx', 'model.onnx'))).table;
    expect(Array.from(smallTable)).toEqual(Array.from(shippedTable.subarray(0, smallTable.length)));
  });

  it('produces a folder both embedders load and agree on', async () => {
    const fast = await createWordVectorEmbedder({ modelDir: viaCommand });
    const reference = await createTransformersEmbedder({ modelDir: viaCommand });
    const texts = ['The people of the city said the government would work on it.', 'unknownword'];
    const [fastVectors, referenceVectors] = await Promise.all([fast.embed(texts), reference.embed(texts)]);
    fastVectors.forEach((vector, row) => {
      vector.forEach((value, d) => expect(Math.abs(value - ((referenceVectors[row] as Float32Array)[d] as number))).toBeLessThan(1e-4));
    });
    expect(fastVectors[0]?.some((value) => value !== 0)).toBe(true);
    expect(fastVectors[1]?.every((value) => value === 0)).toBe(true);
    await Promise.all([fast.close(), reference.close()]);
  });
});
