// evaluate() end to end, and the baselines on the real public data against the data README.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/eval/run.ts';
import { textReport } from '../../src/eval/report.ts';
import type { ScoredRecord } from '../../src/eval/types.ts';
import { readManifest } from '../../src/training/data/manifest.ts';
import { rawFilesAt } from '../../src/training/data/raw-files.ts';
import { MANIFEST_SOURCES } from '../../src/training/data/sources/index.ts';
import { MIRROR, NO_PUBLIC_DATA, STRONG, WEAK } from '../data/paths.ts';
import { assertWellFormedXml } from './xml.ts';
import { suiteTempDir } from '../support/temp-dir.ts';


async function publicSet(name: string): Promise<ScoredRecord[]> {
  const source = MANIFEST_SOURCES.find((s) => s.name === name);
  if (!source) throw new Error(name);
  const manifest = await readManifest();
  return source.convert(rawFilesAt(MIRROR, manifest.filter((e) => source.selects(e))));
}

describe('evaluate()', () => {
  const tmp = suiteTempDir('triage-eval-');

  it('scores routers and baselines, skips unscored records, writes results.md and one SVG per benchmark', async () => {
    const records: ScoredRecord[] = [
      { id: 'a', prompt: 'aaaa', scores: { s: 1, w: 0 } },
      { id: 'b', prompt: 'bbb', scores: { s: 1, w: 1 } },
      { id: 'c', prompt: 'cc', scores: { s: 0, w: 1 } },
      { id: 'd', prompt: 'd', scores: { s: 1, w: 0 } },
      { id: 'e', prompt: 'no weak score', scores: { s: 1 } },
    ];
    const seen: number[] = [];
    const lengthRouter = {
      name: 'prompt length',
      score: async (rs: readonly ScoredRecord[]) => {
        seen.push(rs.length);
        return rs.map((r) => (r.prompt ?? '').length);
      },
    };
    const results = await evaluate({
      benchmarks: [{ name: 'tiny', records, strong: 's', weak: 'w' }, { name: 'MT-Bench tiny', records, strong: 's', weak: 'w' }],
      routers: [lengthRouter],
      outDir: tmp.path,
      bootstrap: { resamples: 50 },
    });
    expect(seen).toEqual([4, 4]);
    const [tiny] = results.benchmarks;
    expect(tiny?.size).toBe(4);
    expect(tiny?.skipped).toBe(1);
    expect(tiny?.results.map((r) => r.kind)).toEqual(['router', 'random', 'oracle']);
    // Same numbers as the hand-computed case in metrics.test.ts (lengths 4,3,2,1).
    expect(tiny?.results[0]?.apgr).toBeCloseTo(0.625, 12);
    expect(tiny?.results[0]?.ci?.used).toBeGreaterThan(0);
    expect(results.files.map((f) => f.slice(tmp.path.length + 1))).toEqual(['results.md', 'tiny.svg', 'MT-Bench_tiny.svg']);
    const markdown = await readFile(join(tmp.path, 'results.md'), 'utf8');
    expect(markdown).toMatch(/\| prompt length \| 0\.625 \[/);
    expect(markdown).toContain('RouteLLM published: Matrix factorisation');
    expect(markdown.split('## tiny')[1]?.split('## ')[0]).not.toContain('RouteLLM published');
    const svg = await readFile(join(tmp.path, 'tiny.svg'), 'utf8');
    expect(assertWellFormedXml(svg).elements.filter((e) => e === 'path')).toHaveLength(3);
    expect(textReport(results.benchmarks)).toContain('prompt length');
  });

  it('refuses a benchmark where no record scores both models', async () => {
    await expect(evaluate({ benchmarks: [{ name: 'x', records: [{ scores: { s: 1 } }], strong: 's', weak: 'w' }], routers: [] })).rejects.toThrow(/no record scoring both/);
  });
});

describe.skipIf(NO_PUBLIC_DATA)('baselines on the public data (data README: oracle ≈ 0.95 MT-Bench, 1.27 MMLU, 1.12 GSM8K, 0.87 arena-bench)', () => {
  it.each([
    ['mt-bench', 0.95],
    ['routellm-mmlu', 1.27],
    ['routellm-gsm8k', 1.12],
    ['arena-bench', 0.87],
  ])('%s: oracle APGR ≈ %d and random ≈ 0.5', async (name, oracleReference) => {
    const records = await publicSet(name);
    const { benchmarks } = await evaluate({ benchmarks: [{ name, records, strong: STRONG, weak: WEAK }], routers: [], bootstrap: false });
    const oracle = benchmarks[0]?.results.find((r) => r.kind === 'oracle');
    const random = benchmarks[0]?.results.find((r) => r.kind === 'random');
    expect(Math.abs((oracle?.apgr ?? 0) - oracleReference)).toBeLessThan(0.02);
    expect(Math.abs((random?.apgr ?? 0) - 0.5)).toBeLessThan(0.06);
  });
});
