// The data manifest: which public files Triage uses, where they live and their sha256.
// Format: TSV with header `repo commit path bytes sha256 license` (the project ships its own
// copy at training-data/manifest.tsv; it lists addresses and hashes, never the data).

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export interface ManifestEntry {
  repo: string;
  commit: string;
  path: string;
  bytes: number;
  sha256: string;
  license: string;
}

export const DEFAULT_MANIFEST_PATH = fileURLToPath(new URL('../../../training-data/manifest.tsv', import.meta.url));
export const GITHUB_RAW_BASE = 'https://raw.githubusercontent.com';

const COLUMNS = ['repo', 'commit', 'path', 'bytes', 'sha256', 'license'] as const;

export function parseManifest(text: string): ManifestEntry[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines.shift()?.split('\t').map((c) => c.trim());
  if (!header || COLUMNS.some((c) => !header.includes(c))) {
    throw new Error(`manifest header must contain ${COLUMNS.join(', ')}; got ${JSON.stringify(header)}`);
  }
  const at = (name: (typeof COLUMNS)[number]): number => header.indexOf(name);
  return lines.map((line, k) => {
    const cells = line.split('\t');
    const get = (name: (typeof COLUMNS)[number]): string => (cells[at(name)] ?? '').trim();
    const entry: ManifestEntry = {
      repo: get('repo'),
      commit: get('commit'),
      path: get('path'),
      bytes: Number(get('bytes')),
      sha256: get('sha256').toLowerCase(),
      license: get('license'),
    };
    if (!/^[^/\s]+\/[^/\s]+$/.test(entry.repo) || !/^[0-9a-f]{40}$/i.test(entry.commit) || !entry.path ||
        !/^[0-9a-f]{64}$/.test(entry.sha256) || !Number.isInteger(entry.bytes) || entry.path.split('/').includes('..')) {
      throw new Error(`manifest line ${k + 2} is malformed: ${line}`);
    }
    return entry;
  });
}

export async function readManifest(file = DEFAULT_MANIFEST_PATH): Promise<ManifestEntry[]> {
  return parseManifest(await readFile(file, 'utf8'));
}

/** Public address of a manifest file. */
export function rawUrl(entry: ManifestEntry, base = GITHUB_RAW_BASE): string {
  return `${base.replace(/\/$/, '')}/${entry.repo}/${entry.commit}/${entry.path}`;
}

/** Location relative to a mirror or raw folder: <owner>/<repo>/<path>. */
export function relativeLocation(entry: Pick<ManifestEntry, 'repo' | 'path'>): string {
  return `${entry.repo}/${entry.path}`;
}
