import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmbedder, DEFAULT_EMBEDDER_SPEC } from '../../src/embedding/registry.ts';
import { GLOVE_DIR } from './support.ts';

describe('createEmbedder', () => {
  const temporary: string[] = [];
  afterAll(() => temporary.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('builds the default embedder from the shipped folder', async () => {
    expect(DEFAULT_EMBEDDER_SPEC).toBe('glove-100d');
    const embedder = await createEmbedder(DEFAULT_EMBEDDER_SPEC);
    expect(embedder.id).toMatch(/^glove-100d@[0-9a-f]{12}$/);
    expect(embedder.dim).toBe(100);
    await embedder.close();
  });

  it.each([
    ['hashed-ngrams', 'hashed-ngrams-512@1', 512],
    ['hashed-ngrams:64', 'hashed-ngrams-64@1', 64],
    [' use-lite ', 'use-lite@0.2.0', 512],
  ])('spec %j gives %s', async (spec, id, dim) => {
    const embedder = await createEmbedder(spec);
    expect(embedder.id).toBe(id);
    expect(embedder.dim).toBe(dim);
    await embedder.close();
  });

  it('resolves transformers:<name> under modelsDir and local:<path> by folder kind', async () => {
    const byName = await createEmbedder('transformers:glove-100d', { modelsDir: join(GLOVE_DIR, '..') });
    const byPath = await createEmbedder(`transformers:${GLOVE_DIR}`);
    const local = await createEmbedder(`local:${GLOVE_DIR}`);
    expect(byName.id).toMatch(/^transformers:glove-100d@[0-9a-f]{12}$/);
    expect(byPath.id).toBe(byName.id);
    expect(local.id).toMatch(/^glove-100d@/);
    const text = ['a quick check'];
    const [a] = await byName.embed(text);
    const [b] = await local.embed(text);
    (a as Float32Array).forEach((value, d) => expect(Math.abs(value - ((b as Float32Array)[d] as number))).toBeLessThan(1e-4));
    await Promise.all([byName.close(), byPath.close(), local.close()]);
  });

  it('explains unknown or malformed specs and lists the valid ones', async () => {
    await expect(createEmbedder('bert-large')).rejects.toThrow(/unknown embedder spec: "bert-large"[\s\S]*glove-100d[\s\S]*use-lite[\s\S]*hashed-ngrams[\s\S]*transformers:[\s\S]*local:/);
    await expect(createEmbedder('hashed-ngrams:abc')).rejects.toThrow(/dim must be an integer/);
    await expect(createEmbedder('use-lite:x')).rejects.toThrow(/takes no argument/);
    await expect(createEmbedder('transformers:')).rejects.toThrow(/needs a folder/);
  });

  it('says which folder is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'triage-models-'));
    temporary.push(empty);
    await expect(createEmbedder('glove-100d', { modelsDir: empty })).rejects.toThrow(`embedder folder not found: ${join(empty, 'glove-100d')}`);
    await expect(createEmbedder(`local:${empty}`)).rejects.toThrow(/not a model folder/);
  });
});
