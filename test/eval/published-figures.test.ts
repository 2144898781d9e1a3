// Staleness guard for published figures: rebuilds the shipped model's held-out figures from the
// public data mirror, the way `triage eval` computes them (test splits, the real learned-scorer
// runtime, 1000 seeded bootstrap resamples), and compares them with models/default/meta.json and
// with the README's table. A retrained model or an edited table that no longer match fail here.
// Skipped, with one line, when the mirror is absent.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scorerRouter } from '../../src/cli/eval.ts';
import { bootstrapIntervals, type BootstrapIntervals } from '../../src/eval/bootstrap.ts';
import { rankByScore } from '../../src/eval/curve.ts';
import { pairQualities, recordsScoringPair } from '../../src/eval/pair.ts';
import { evaluate, type BenchmarkResult } from '../../src/eval/run.ts';
import { createLearnedScorer, type LearnedScorer } from '../../src/scoring/learned.ts';
import type { LabelledRecord } from '../../src/training/data/format.ts';
import { readManifest } from '../../src/training/data/manifest.ts';
import { rawFilesAt } from '../../src/training/data/raw-files.ts';
import { MANIFEST_SOURCES } from '../../src/training/data/sources/index.ts';
import { MIRROR, STRONG, WEAK } from '../data/paths.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const haveMirror = existsSync(MIRROR);
if (!haveMirror) console.log(MIRROR === '' ? 'published-figures: skipped, the public data is unavailable (see the public-data line above)' : `published-figures: no data mirror at ${MIRROR}; skipped`);

/** Benchmark name -> the first cell of its row in the README's held-out table. */
const README_ROWS: Record<string, string> = {
  'mt-bench': 'MT-Bench (test only)',
  'routellm-gsm8k': 'GSM8K held-out',
  'routellm-mmlu': 'MMLU held-out',
  'arena-bench': 'arena-bench held-out',
};

interface HeldOut {
  apgr: number;
  auc: number;
  records: number;
}

const meta = JSON.parse(readFileSync(`${ROOT}models/default/meta.json`, 'utf8')) as { metrics: { heldOut: Record<string, HeldOut> } };

async function testSplit(name: string): Promise<LabelledRecord[]> {
  const source = MANIFEST_SOURCES.find((s) => s.name === name);
  if (!source) throw new Error(`no source ${name}`);
  const manifest = await readManifest();
  const records = await source.convert(rawFilesAt(MIRROR, manifest.filter((e) => source.selects(e))));
  return records.filter((r) => r.split === 'test');
}

const cells = (line: string) => line.split('|').slice(1, -1).map((cell) => cell.trim());

/** The README quality table's cells for one benchmark row, by column heading. */
function readmeRow(label: string): Record<string, string> {
  const lines = readFileSync(`${ROOT}README.md`, 'utf8').split('\n');
  const at = lines.findIndex((l) => l.startsWith(`| ${label} |`));
  if (at < 0) throw new Error(`README has no table row for ${label}`);
  let header = at;
  while (header > 0 && !lines[header]!.startsWith('| benchmark |')) header--;
  const names = cells(lines[header]!);
  const values = cells(lines[at]!);
  return Object.fromEntries(names.map((name, i) => [name, values[i] ?? '']));
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

describe.skipIf(!haveMirror)('published held-out figures of models/default', () => {
  let scorer: LearnedScorer;
  let results: BenchmarkResult[];
  const intervals = new Map<string, BootstrapIntervals>();

  beforeAll(async () => {
    scorer = await createLearnedScorer({ name: 'default' });
    const benchmarks = [];
    for (const name of Object.keys(README_ROWS)) benchmarks.push({ name, records: await testSplit(name), strong: STRONG, weak: WEAK });
    // Point figures as `triage eval` computes them (random router seed 1). Its bootstrap (1000
    // resamples, seed 1) is run below for the learned router only, the one whose interval is
    // published, which keeps this test well under a minute.
    const router = scorerRouter(scorer);
    const scored = new Map<string, Float64Array>();
    const capturing = { name: router.name, score: async (records: readonly LabelledRecord[]) => {
      const scores = await router.score(records);
      scored.set(records.map((r) => r.id).join('\n'), Float64Array.from(scores));
      return scores;
    } };
    ({ benchmarks: results } = await evaluate({ benchmarks, routers: [capturing], bootstrap: false, randomSeed: 1 }));
    for (const b of benchmarks) {
      const records = recordsScoringPair(b.records, STRONG, WEAK);
      const scores = scored.get(records.map((r) => r.id).join('\n'))!;
      intervals.set(b.name, bootstrapIntervals(rankByScore(scores, pairQualities(records, STRONG, WEAK)), { resamples: 1000, seed: 1 }));
    }
  }, 120_000);

  afterAll(async () => {
    await scorer?.close();
  });

  it.each(Object.keys(README_ROWS))('%s matches meta.json and the README', (name) => {
    const result = results.find((b) => b.name === name)!;
    const router = result.results.find((r) => r.kind === 'router')!;
    const random = result.results.find((r) => r.kind === 'random')!;
    const published = meta.metrics.heldOut[name]!;
    expect({ apgr: router.apgr.toFixed(4), auc: router.auc.toFixed(4), records: result.size }).toEqual({
      apgr: published.apgr.toFixed(4),
      auc: published.auc.toFixed(4),
      records: published.records,
    });

    const row = readmeRow(README_ROWS[name]!);
    expect(Number((row['prompts'] ?? '').replace(/,/g, ''))).toBe(result.size);
    const ci = intervals.get(name)!;
    expect(row['Triage APGR']).toBe(`${router.apgr.toFixed(3)} [${ci.apgr.low.toFixed(3)}, ${ci.apgr.high.toFixed(3)}]`);
    expect(row['AUC']).toBe(router.auc.toFixed(3));
    expect(row['CPT(50%)']).toBe(percent(router.cpt50));
    expect(row['CPT(80%)']).toBe(percent(router.cpt80));
    expect(row['random APGR']).toBe(random.apgr.toFixed(3));
  });
});
