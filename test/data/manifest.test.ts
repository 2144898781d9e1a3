import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseManifest, rawUrl, readManifest } from '../../src/training/data/manifest.ts';
import { MANIFEST_SOURCES } from '../../src/training/data/sources/index.ts';
import { PROJECT_MANIFEST, PUBLIC_DATA } from './paths.ts';

describe('manifest', () => {
  // Needs a mirror that carries its own manifest.tsv beside raw/ (../shared/data here and in CI).
  it.skipIf(PUBLIC_DATA.mirrorManifest === null)('the project ships the same rows as the mirror\'s data manifest', async () => {
    const ours = await readManifest(PROJECT_MANIFEST);
    const shared = parseManifest(await readFile(PUBLIC_DATA.mirrorManifest ?? '', 'utf8'));
    expect(ours).toEqual(shared);
    expect(ours.length).toBe(85);
  });

  it('builds raw.githubusercontent.com addresses', async () => {
    const [first] = await readManifest(PROJECT_MANIFEST);
    expect(first && rawUrl(first)).toBe(`https://raw.githubusercontent.com/${first?.repo}/${first?.commit}/${first?.path}`);
  });

  it('rejects malformed lines and path traversal', () => {
    const header = 'repo\tcommit\tpath\tbytes\tsha256\tlicense\n';
    const good = `a/b\t${'0'.repeat(40)}\tx.txt\t3\t${'a'.repeat(64)}\tMIT\n`;
    expect(parseManifest(header + good)).toHaveLength(1);
    expect(() => parseManifest(header + good.replace('x.txt', '../x.txt'))).toThrow(/malformed/);
    expect(() => parseManifest(header + good.replace('a'.repeat(64), 'zz'))).toThrow(/malformed/);
    expect(() => parseManifest('repo\tpath\n')).toThrow(/header/);
  });

  it('every manifest file belongs to a source except the licences and commercial benchmarks', async () => {
    const entries = await readManifest(PROJECT_MANIFEST);
    const unused = entries.filter((e) => !MANIFEST_SOURCES.some((s) => s.selects(e))).map((e) => e.path);
    expect(unused.sort()).toEqual([
      'LICENSE',
      'LICENSE',
      'benchmarks/mt-bench/gpt-4_single.jsonl',
      'benchmarks/mt-bench/martian.jsonl',
      'benchmarks/mt-bench/unify.jsonl',
    ]);
  });
});
