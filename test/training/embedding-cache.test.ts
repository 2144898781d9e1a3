// The on-disk embedding cache over a real embedder (hashed n-grams: weight-free, deterministic).
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmbedder } from '../../src/embedding/registry.ts';
import { cacheFolderName, createDiskCachedEmbedder, EMBEDDING_CACHE_FILE } from '../../src/training/embedding-cache.ts';
import { countingEmbedder } from '../support/counting-embedder.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** Counts calls so the test can tell computed vectors from cached ones. */
describe('disk-cached embedder', () => {
  it('embeds each distinct text once, persists it, and a new instance reads it from disk', async () => {
    const root = await mkdtemp(join(tmpdir(), 'triage-embcache-'));
    dirs.push(root);
    const texts = ['What is 2 + 2?', 'Write a haiku about rain.', 'What is 2 + 2?', ''];
    const first = countingEmbedder(await createEmbedder('hashed-ngrams:64'));
    const cached = await createDiskCachedEmbedder(first, root);
    const vectors = await cached.embed(texts);
    expect(first.texts).toBe(3);
    expect(vectors[0]).toEqual(vectors[2]);
    await cached.close();
    const file = join(root, cacheFolderName(first.id), EMBEDDING_CACHE_FILE);
    expect((await stat(file)).size).toBe(3 * (32 + 64 * 4));

    const second = countingEmbedder(await createEmbedder('hashed-ngrams:64'));
    const reopened = await createDiskCachedEmbedder(second, root);
    const again = await reopened.embed([...texts, 'a new prompt']);
    expect(second.texts).toBe(1);
    expect(reopened.stats).toEqual({ hits: 4, misses: 1 });
    again.slice(0, 4).forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(vectors[i] ?? [])));
    await reopened.close();
    expect((await stat(file)).size).toBe(4 * (32 + 64 * 4));
    expect(await readdir(root)).toEqual([cacheFolderName(first.id)]);
  });

  it('keeps embedders with different ids apart', () => {
    expect(cacheFolderName('glove-100d@be79feb1666f')).toBe('glove-100d@be79feb1666f');
    expect(cacheFolderName('transformers:/a/b c')).toBe('transformers_a_b_c');
  });
});
