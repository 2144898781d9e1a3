// Loads the labelled JSONL files a training run uses, enforcing the data rules in code: only
// train splits are returned, MT-Bench is refused, and no training prompt may share a prompt hash
// with any test record of any file in the data folder (assertNoMtBench + assertDisjoint).

import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assertDisjoint, assertNoMtBench, splitRecords, testHashes } from './data/disjoint.ts';
import { computePromptHash, type LabelledRecord } from './data/format.ts';
import { parseRecords } from './data/jsonl.ts';
import { MT_BENCH_SOURCE } from './data/sources/mt-bench.ts';

export interface SourceFile {
  name: string;
  file: string;
  sha256: string;
  records: LabelledRecord[];
}

export interface TrainingCorpus {
  /** Per requested source: its file, hash and TRAIN records only. */
  sources: SourceFile[];
  /** Test records of every JSONL file in the data folder, by source (for held-out reports). */
  testBySource: Map<string, LabelledRecord[]>;
}

export async function readSourceFile(dataDir: string, name: string): Promise<SourceFile> {
  const file = join(dataDir, `${name}.jsonl`);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${file} not found: run \`triage data fetch\` first (or pass --data-dir)`);
    }
    throw error;
  }
  return {
    name,
    file,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    records: parseRecords(bytes.toString('utf8'), file),
  };
}

/** Every <name>.jsonl directly in dataDir. */
export async function listSourceFiles(dataDir: string): Promise<string[]> {
  const entries = await readdir(dataDir, { withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.jsonl')).map((e) => e.name.slice(0, -'.jsonl'.length)).sort();
}

/** A source held in memory (e.g. labels exported from the decision log), named like a file source. */
export function memorySource(name: string, records: readonly LabelledRecord[], label = `<${name}>`): SourceFile {
  const text = records.map((r) => JSON.stringify(r)).join('\n');
  return { name, file: label, sha256: createHash('sha256').update(text).digest('hex'), records: [...records] };
}

/**
 * Loads the requested sources' train records from dataDir (plus `extra` in-memory sources, which
 * take part in the leak checks like files do: their test records are held out everywhere).
 */
export async function loadTrainingCorpus(dataDir: string, sourceNames: readonly string[], extra: readonly SourceFile[] = []): Promise<TrainingCorpus> {
  if (sourceNames.includes(MT_BENCH_SOURCE)) throw new Error('mt-bench is a test set only and cannot be trained on');
  if (sourceNames.length === 0) throw new Error('no training sources given');
  const all = new Map<string, SourceFile>();
  const extraNames = new Set(extra.map((s) => s.name));
  for (const name of new Set([...(await listSourceFiles(dataDir)), ...sourceNames])) {
    if (!extraNames.has(name)) all.set(name, await readSourceFile(dataDir, name));
  }
  for (const source of extra) all.set(source.name, source);

  const testBySource = new Map<string, LabelledRecord[]>();
  for (const [name, file] of all) {
    const { test } = splitRecords(file.records);
    if (test.length > 0) testBySource.set(name, test);
  }
  const allTest = [...testBySource.values()].flat();
  const forbidden = testHashes(allTest, computePromptHash);
  const mtBench = testBySource.get(MT_BENCH_SOURCE) ?? [];
  const mtBenchHashes = testHashes(mtBench, computePromptHash);

  const sources = sourceNames.map((name) => {
    const file = all.get(name);
    if (!file) throw new Error(`no data file for source ${name}`);
    const train = splitRecords(file.records).train;
    if (train.length === 0) throw new Error(`${file.file} has no train records`);
    // The guards every trainer input passes: no MT-Bench, nothing marked test, no test prompt.
    assertNoMtBench(train, mtBenchHashes);
    assertDisjoint(train, forbidden);
    return { ...file, records: train };
  });
  return { sources, testBySource };
}
