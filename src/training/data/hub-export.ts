// Reading a Hugging Face dataset export that a user downloaded (no parquet reader here).
// Accepted, by file extension:
//   .csv   a CSV with a header row (e.g. the repository's train.csv, or pandas/datasets to_csv);
//   .jsonl one JSON object per line (datasets' to_json, or any JSONL export);
//   .json  a page of the datasets-server API, https://datasets-server.huggingface.co/rows?... :
//          {"rows":[{"row_idx":0,"row":{...}}, ...]}, or a plain JSON array of row objects.
// A folder is read as all such files in it, in name order (e.g. many saved /rows pages).

import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parseCsvObjects } from './csv.ts';
import { isObject, parseJsonLines } from './raw-files.ts';

export type HubRow = Record<string, unknown>;

export function parseHubExport(text: string, format: 'csv' | 'jsonl' | 'json', label: string): HubRow[] {
  if (format === 'csv') return parseCsvObjects(text).rows;
  if (format === 'jsonl') return parseJsonLines(text, label).filter(isObject);
  const value: unknown = JSON.parse(text);
  if (Array.isArray(value)) return value.filter(isObject);
  if (isObject(value) && Array.isArray(value.rows)) {
    return value.rows.map((r) => (isObject(r) && isObject(r.row) ? r.row : r)).filter(isObject);
  }
  throw new Error(`${label}: expected a datasets-server /rows page ({"rows": [...]}) or a JSON array`);
}

function formatOf(file: string): 'csv' | 'jsonl' | 'json' | undefined {
  const ext = extname(file).toLowerCase();
  return ext === '.csv' ? 'csv' : ext === '.jsonl' ? 'jsonl' : ext === '.json' ? 'json' : undefined;
}

export async function readHubExport(path: string): Promise<HubRow[]> {
  const info = await stat(path);
  const files = info.isDirectory()
    ? (await readdir(path)).filter((f) => formatOf(f)).sort().map((f) => join(path, f))
    : [path];
  const rows: HubRow[] = [];
  for (const file of files) {
    const format = formatOf(file);
    if (!format) throw new Error(`${file}: unsupported export (use .csv, .jsonl or datasets-server .json)`);
    rows.push(...parseHubExport(await readFile(file, 'utf8'), format, file));
  }
  return rows;
}

/** A cell as text; numbers and booleans are stringified, null/undefined become ''. */
export function cellText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

/** A 0/1 flag cell from CSV ("1", "0"), JSON (1, 0) or booleans. */
export function cellFlag(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1;
  const text = cellText(value).trim().toLowerCase();
  return text === '1' || text === '1.0' || text === 'true';
}
