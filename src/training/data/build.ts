// The data pipeline behind `triage data fetch`: fetch and verify each source's files, convert
// them to labelled records, remove from every training set any prompt held out for testing
// (across all sources, including existing <out>/<source>.jsonl files), and write
// <out>/<source>.jsonl.

import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { assertDisjoint, removeLeaks, splitRecords, testHashes } from './disjoint.ts';
import { fetchEntries, type FetchOptions, type FileOrigin } from './fetch.ts';
import { computePromptHash, type LabelledRecord } from './format.ts';
import { readHubExport } from './hub-export.ts';
import { readRecords, writeRecords } from './jsonl.ts';
import type { ManifestEntry } from './manifest.ts';
import { rawFilesAt } from './raw-files.ts';
import { ALL_SOURCES, type DataSource } from './sources/index.ts';
import { STRONG_MODEL, WEAK_MODEL } from './sources/source.ts';
import { summarise, type SetSummary } from './stats.ts';

export interface BuildOptions {
  manifest: readonly ManifestEntry[];
  /** Folder for <source>.jsonl; raw files go to <outDir>/raw unless fetch.rawDir says otherwise. */
  outDir: string;
  /** Source names to build; default: every manifest source. */
  sources?: readonly string[];
  fetch?: Omit<FetchOptions, 'rawDir'> & { rawDir?: string };
  /** Hub exports the user downloaded: source name -> file or folder. */
  hubExports?: Readonly<Record<string, string>>;
  strong?: string;
  weak?: string;
}

export interface SourceReport {
  source: string;
  files: number;
  origins: Partial<Record<FileOrigin, number>>;
  /** Training records dropped because their prompt is held out for testing somewhere. */
  droppedLeaks: number;
  summary: SetSummary;
  outFile: string;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}

async function convertSource(source: DataSource, options: BuildOptions, rawDir: string): Promise<{ records: LabelledRecord[]; files: number; origins: SourceReport['origins'] }> {
  if (source.kind === 'hub') {
    const exportPath = options.hubExports?.[source.name];
    if (!exportPath) throw new Error(`${source.name} needs a downloaded export of ${source.dataset} (see \`triage data list\`)`);
    return { records: source.convert(await readHubExport(exportPath)), files: 1, origins: {} };
  }
  const entries = options.manifest.filter((e) => source.selects(e));
  if (entries.length === 0) throw new Error(`the manifest lists no files for ${source.name}`);
  const fetched = await fetchEntries(entries, { ...options.fetch, rawDir });
  const origins: SourceReport['origins'] = {};
  for (const f of fetched) origins[f.origin] = (origins[f.origin] ?? 0) + 1;
  return { records: await source.convert(rawFilesAt(rawDir, entries)), files: fetched.length, origins };
}

export async function buildDatasets(options: BuildOptions): Promise<SourceReport[]> {
  const rawDir = options.fetch?.rawDir ?? join(options.outDir, 'raw');
  const names = options.sources ?? ALL_SOURCES.filter((s) => s.kind === 'manifest').map((s) => s.name);
  const selected = names.map((name) => {
    const source = ALL_SOURCES.find((s) => s.name === name);
    if (!source) throw new Error(`unknown data source "${name}"; known: ${ALL_SOURCES.map((s) => s.name).join(', ')}`);
    return source;
  });

  const built = new Map<string, Awaited<ReturnType<typeof convertSource>>>();
  for (const source of selected) built.set(source.name, await convertSource(source, options, rawDir));

  // Test prompts of every source: the ones just built and any already on disk.
  const allTest: LabelledRecord[] = [];
  for (const { records } of built.values()) allTest.push(...splitRecords(records).test);
  for (const other of ALL_SOURCES) {
    const file = join(options.outDir, `${other.name}.jsonl`);
    if (!built.has(other.name) && (await exists(file))) allTest.push(...splitRecords(await readRecords(file)).test);
  }
  const forbidden = testHashes(allTest, computePromptHash);

  const reports: SourceReport[] = [];
  for (const source of selected) {
    const result = built.get(source.name);
    if (!result) continue;
    const { train } = splitRecords(result.records);
    const { kept, dropped } = removeLeaks(train, forbidden);
    assertDisjoint(kept, forbidden);
    const keptIds = new Set(kept.map((r) => r.id));
    const records = result.records.filter((r) => r.split === 'test' || keptIds.has(r.id));
    const outFile = join(options.outDir, `${source.name}.jsonl`);
    await writeRecords(outFile, records);
    reports.push({
      source: source.name,
      files: result.files,
      origins: result.origins,
      droppedLeaks: dropped,
      summary: summarise(records, options.strong ?? STRONG_MODEL, options.weak ?? WEAK_MODEL),
      outFile,
    });
  }
  return reports;
}
