// Access to verified raw files laid out as <root>/<owner>/<repo>/<path> (a mirror or rawDir).

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { relativeLocation, type ManifestEntry } from './manifest.ts';

export interface RawFiles {
  /** The manifest entries available to the converter. */
  readonly entries: readonly ManifestEntry[];
  read(entry: ManifestEntry): Promise<string>;
}

export function rawFilesAt(root: string, entries: readonly ManifestEntry[]): RawFiles {
  return {
    entries,
    read: (entry) => readFile(join(root, relativeLocation(entry)), 'utf8'),
  };
}

/** The single entry of `repo` whose path equals `path`; throws naming the missing file. */
export function requireEntry(files: RawFiles, repo: string, path: string): ManifestEntry {
  const found = files.entries.find((e) => e.repo === repo && e.path === path);
  if (!found) throw new Error(`manifest has no ${repo}/${path}`);
  return found;
}

export function parseJsonLines(text: string, label: string): unknown[] {
  return text
    .split('\n')
    .map((line, k) => ({ line: line.trim(), k }))
    .filter(({ line }) => line !== '')
    .map(({ line, k }) => {
      try {
        return JSON.parse(line) as unknown;
      } catch (error) {
        throw new Error(`${label}:${k + 1}: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The eval_prompt column of a RouteLLM contaminated_prompts.jsonl file. */
export async function readContaminatedPrompts(files: RawFiles, repo: string, path: string): Promise<Set<string>> {
  const rows = parseJsonLines(await files.read(requireEntry(files, repo, path)), path);
  const prompts = new Set<string>();
  for (const row of rows) {
    if (isObject(row) && typeof row.eval_prompt === 'string') prompts.add(row.eval_prompt);
  }
  return prompts;
}
