// The converters on the real public-data mirror (read-only, no network).

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LabelledRecord } from '../../src/training/data/format.ts';
import { readManifest, type ManifestEntry } from '../../src/training/data/manifest.ts';
import { rawFilesAt } from '../../src/training/data/raw-files.ts';
import { arenaBench, questionFromJudgePrompt } from '../../src/training/data/sources/arena-bench.ts';
import type { ManifestSource } from '../../src/training/data/sources/index.ts';
import { mtBench } from '../../src/training/data/sources/mt-bench.ts';
import { routellmGsm8k } from '../../src/training/data/sources/routellm-gsm8k.ts';
import { routellmMmlu } from '../../src/training/data/sources/routellm-mmlu.ts';
import { splitByHash } from '../../src/training/data/split.ts';
import { pairBalance } from '../../src/training/data/stats.ts';
import { MIRROR, NO_PUBLIC_DATA, PROJECT_MANIFEST, STRONG, WEAK } from './paths.ts';

let manifest: ManifestEntry[];
const convert = (source: ManifestSource): Promise<LabelledRecord[]> =>
  source.convert(rawFilesAt(MIRROR, manifest.filter((e) => source.selects(e))));
const jsonLines = async (path: string): Promise<Array<Record<string, unknown>>> =>
  (await readFile(join(MIRROR, path), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  manifest = await readManifest(PROJECT_MANIFEST);
});

describe.skipIf(NO_PUBLIC_DATA)('mt-bench', () => {
  let records: LabelledRecord[];
  beforeAll(async () => {
    records = await convert(mtBench);
  });

  it('keeps the 72 questions RouteLLM keeps after decontamination, all test', async () => {
    expect(records).toHaveLength(72);
    expect(records.every((r) => r.split === 'test' && r.source === 'mt-bench')).toBe(true);
    const contaminated = new Set((await jsonLines('lm-sys/RouteLLM/routellm/evals/mt_bench/contaminated_prompts.jsonl')).map((r) => r.eval_prompt));
    expect(records.some((r) => (r.turns ?? []).some((t) => contaminated.has(t)))).toBe(false);
    expect(new Set(records.map((r) => r.group)).size).toBe(8);
  });

  it('routes on turn 1 and scores each model by the mean of its two turns', () => {
    const q140 = records.find((r) => r.id === 'mt-bench/140');
    // judgements.jsonl, question 140: GPT-4 scored 9 then 10, Mixtral 2 then 8.
    expect(q140?.scores).toEqual({ [STRONG]: 9.5, [WEAK]: 5 });
    expect(q140?.turns).toHaveLength(2);
    expect(q140?.prompt).toBe(q140?.turns?.[0]);
    // Question 101 is in RouteLLM's contaminated list (eval_idx 20) and must be gone.
    expect(records.find((r) => r.id === 'mt-bench/101')).toBeUndefined();
  });
});

describe.skipIf(NO_PUBLIC_DATA)('routellm-mmlu', () => {
  let records: LabelledRecord[];
  beforeAll(async () => {
    records = await convert(routellmMmlu);
  });

  it('has 14,042 prompts minus the 5 contaminated ones, with both models as columns', () => {
    expect(records).toHaveLength(14042 - 5);
    expect(records.every((r) => Object.keys(r.scores).sort().join() === [STRONG, WEAK].sort().join())).toBe(true);
    expect(records.every((r) => [0, 1].includes(r.scores[STRONG] ?? -1))).toBe(true);
    expect(new Set(records.map((r) => r.group)).size).toBe(57);
  });

  it('splits within every subject by a fixed prompt hash (RouteLLM protocol): 3,442 test prompts, every subject in both splits', () => {
    for (const r of records) expect(r.split).toBe(splitByHash(r.promptHash));
    expect(records.filter((r) => r.split === 'test')).toHaveLength(3442);
    const bySubject = new Map<string, { train: number; test: number }>();
    for (const r of records) {
      const counts = bySubject.get(r.group ?? '') ?? { train: 0, test: 0 };
      counts[r.split]++;
      bySubject.set(r.group ?? '', counts);
    }
    expect(bySubject.size).toBe(57);
    for (const [subject, { train, test }] of bySubject) {
      const share = test / (train + test);
      expect(share, subject).toBeGreaterThan(0.15);
      expect(share, subject).toBeLessThan(0.35);
    }
    // Identical prompts (105 repeats across or within subjects) always share a split.
    const splitOf = new Map<string, string>();
    for (const r of records) {
      expect(splitOf.get(r.promptHash) ?? r.split).toBe(r.split);
      splitOf.set(r.promptHash, r.split);
    }
    expect(splitOf.size).toBe(13932);
  });
});

describe.skipIf(NO_PUBLIC_DATA)('routellm-gsm8k', () => {
  it('has 1,319 questions minus 12 contaminated, about a quarter held out by prompt hash', async () => {
    const records = await convert(routellmGsm8k);
    expect(records).toHaveLength(1319 - 12);
    const testShare = records.filter((r) => r.split === 'test').length / records.length;
    expect(testShare).toBeGreaterThan(0.2);
    expect(testShare).toBeLessThan(0.3);
    expect(Object.keys(records[0]?.scores ?? {}).sort()).toEqual([STRONG, WEAK].sort());
    const again = await convert(routellmGsm8k);
    expect(again.map((r) => r.split)).toEqual(records.map((r) => r.split));
  });
});

describe.skipIf(NO_PUBLIC_DATA)('arena-bench', () => {
  let records: LabelledRecord[];
  beforeAll(async () => {
    records = await convert(arenaBench);
  });

  it('has 300 prompts scored for 16 models, ignoring unparsable judgments', async () => {
    expect(records).toHaveLength(300);
    const models = new Set(records.flatMap((r) => Object.keys(r.scores)));
    expect(models.size).toBe(16);
    expect(models.has(STRONG) && models.has(WEAK)).toBe(true);
    const mixtralRows = await jsonLines('lmarena/arena-hard-auto/data/arena-bench-v1/model_judgment/Mixtral-8x7B-Instruct-v0.1.jsonl');
    const valid = mixtralRows.filter((r) => typeof r.score === 'number' && r.score >= 0).length;
    expect(valid).toBeLessThan(300);
    expect(records.filter((r) => r.scores[WEAK] !== undefined)).toHaveLength(valid);
    for (const r of records) for (const s of Object.values(r.scores)) expect(s >= 1 && s <= 10).toBe(true);
    const testShare = records.filter((r) => r.split === 'test').length / records.length;
    expect(testShare).toBeGreaterThan(0.18);
    expect(testShare).toBeLessThan(0.32);
  });

  it('can recover question text from the judge prompt when question.jsonl is absent', async () => {
    const withoutQuestions = await arenaBench.convert(rawFilesAt(MIRROR, manifest.filter((e) => arenaBench.selects(e) && !e.path.endsWith('question.jsonl'))));
    expect(withoutQuestions).toHaveLength(300);
    const byId = new Map(records.map((r) => [r.id, r]));
    const same = withoutQuestions.filter((r) => byId.get(r.id)?.promptHash === r.promptHash).length;
    expect(same / 300).toBeGreaterThan(0.9);
    expect(questionFromJudgePrompt('[Question]\nWhat is 2+2?\n\n[The Start of Reference Answer]\n4')).toBe('What is 2+2?');
  });
});

describe.skipIf(NO_PUBLIC_DATA)('label balance', () => {
  it('counts strong wins, weak wins and ties on the pair', () => {
    const balance = pairBalance([{ scores: { s: 1, w: 0 } }, { scores: { s: 0, w: 1 } }, { scores: { s: 1, w: 1 } }, { scores: { s: 1 } }], 's', 'w');
    expect(balance).toEqual({ paired: 3, strongWins: 1 / 3, weakWins: 1 / 3, ties: 1 / 3 });
  });
});
