// Hub sources on small fixture exports written to the datasets' documented columns.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computePromptHash } from '../../src/training/data/format.ts';
import { readHubExport } from '../../src/training/data/hub-export.ts';
import { arenaBattles, arenaTurns } from '../../src/training/data/sources/arena-battles.ts';
import { GPT4_REFERENCE_SCORE, gpt4Judge } from '../../src/training/data/sources/gpt4-judge.ts';
import { splitByHash } from '../../src/training/data/split.ts';
import { HUB_FIXTURES, STRONG, WEAK } from './paths.ts';

describe('arena battles (lmsys/lmsys-arena-human-preference-55k)', () => {
  it('maps winner 1 / loser 0 / tie 0.5 and drops unusable rows', async () => {
    const records = arenaBattles.convert(await readHubExport(join(HUB_FIXTURES, 'arena-55k-sample.csv')));
    expect(records.map((r) => r.id)).toEqual(['arena-battles/30192', 'arena-battles/53567', 'arena-battles/65089', 'arena-battles/292873']);
    const [aWins, bWins, tie, nullTurn] = records;
    // Arena's spelling is mapped to the canonical one, so the source scores the RouteLLM pair.
    expect(aWins?.scores).toEqual({ [STRONG]: 1, [WEAK]: 0 });
    expect(bWins?.scores).toEqual({ 'claude-2.1': 0, 'gpt-4-1106-preview': 1 });
    expect(bWins?.prompt).toBe('How do I reverse a list in Python?');
    expect(bWins?.turns).toEqual(['How do I reverse a list in Python?', 'And in place, without a copy?']);
    expect(tie?.scores).toEqual({ [WEAK]: 0.5, 'gpt-3.5-turbo-0613': 0.5 });
    expect(nullTurn?.prompt).toBe('first turn was null in the export');
    for (const r of records) expect(r.split).toBe(splitByHash(computePromptHash(r.prompt)));
  });

  it('reads the same rows from a datasets-server /rows page', async () => {
    const fromJson = arenaBattles.convert(await readHubExport(join(HUB_FIXTURES, 'arena-55k-rows-page.json')));
    const fromCsv = arenaBattles.convert(await readHubExport(join(HUB_FIXTURES, 'arena-55k-sample.csv')));
    expect(fromJson).toEqual(fromCsv.filter((r) => ['arena-battles/30192', 'arena-battles/65089'].includes(r.id)));
  });

  it('parses prompt cells as JSON lists, arrays or plain text', () => {
    expect(arenaTurns('["a","b"]')).toEqual(['a', 'b']);
    expect(arenaTurns(['a'])).toEqual(['a']);
    expect(arenaTurns('[not json')).toEqual(['[not json']);
    expect(arenaTurns(null)).toEqual([]);
  });
});

describe('GPT-4 judge set (routellm/gpt4_dataset)', () => {
  it('gives Mixtral its 1-5 score and GPT-4 the reference score, so strong wins iff score <= 3', async () => {
    const records = gpt4Judge.convert(await readHubExport(join(HUB_FIXTURES, 'gpt4-dataset-sample.jsonl')));
    expect(records).toHaveLength(5); // the out-of-range row is skipped
    expect(records.map((r) => r.scores[WEAK])).toEqual([5, 2, 4, 3, 4]);
    expect(records.every((r) => r.scores[STRONG] === GPT4_REFERENCE_SCORE)).toBe(true);
    expect(records.map((r) => (r.scores[STRONG] ?? 0) > (r.scores[WEAK] ?? 0))).toEqual([false, true, false, true, false]);
    expect(records[0]?.group).toBe('evol_instruct');
  });

  it('reads a CSV export the same way as JSONL', async () => {
    const csv = gpt4Judge.convert(await readHubExport(join(HUB_FIXTURES, 'gpt4-dataset-sample.csv')));
    const jsonl = gpt4Judge.convert(await readHubExport(join(HUB_FIXTURES, 'gpt4-dataset-sample.jsonl')));
    expect(csv.map((r) => [r.promptHash, r.scores])).toEqual(jsonl.slice(0, 2).map((r) => [r.promptHash, r.scores]));
  });

  it('reads every export in a folder and refuses unknown formats', async () => {
    const rows = await readHubExport(HUB_FIXTURES);
    expect(rows.length).toBe(6 + 2 + 6 + 2); // arena csv + rows page + gpt4 jsonl + gpt4 csv
    await expect(readHubExport(join(HUB_FIXTURES, '..', 'hub', 'missing.parquet'))).rejects.toThrow();
  });
});
