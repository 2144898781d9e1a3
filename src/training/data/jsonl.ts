// Reading and writing labelled records as JSONL files, validating every line.

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { labelledRecordSchema, type LabelledRecord } from './format.ts';

export class RecordFormatError extends Error {
  constructor(file: string, line: number, detail: string) {
    super(`${file}:${line}: not a valid labelled record: ${detail}`);
    this.name = 'RecordFormatError';
  }
}

/** Parse JSONL text into validated records; blank lines are skipped. */
export function parseRecords(text: string, fileLabel = '<input>'): LabelledRecord[] {
  const records: LabelledRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]?.trim();
    if (!line) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new RecordFormatError(fileLabel, i + 1, error instanceof Error ? error.message : String(error));
    }
    const parsed = labelledRecordSchema.safeParse(value);
    if (!parsed.success) {
      throw new RecordFormatError(fileLabel, i + 1, parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; '));
    }
    records.push(parsed.data);
  }
  return records;
}

export async function readRecords(file: string): Promise<LabelledRecord[]> {
  return parseRecords(await readFile(file, 'utf8'), file);
}

export function formatRecords(records: readonly LabelledRecord[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : '');
}

/** Write records atomically (temp file + rename). */
export async function writeRecords(file: string, records: readonly LabelledRecord[]): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, formatRecords(records), 'utf8');
  await rename(temp, file);
}
