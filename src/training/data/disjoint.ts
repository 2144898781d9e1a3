// Train/test separation, enforced by code: no test prompt (by promptHash) may appear in any
// training set, and MT-Bench is never trained on.

import type { LabelledRecord } from './format.ts';
import { MT_BENCH_SOURCE } from './sources/mt-bench.ts';

type Hashed = Pick<LabelledRecord, 'promptHash' | 'id' | 'source'>;

export class DataLeakError extends Error {
  constructor(message: string, readonly offenders: readonly string[]) {
    super(message);
    this.name = 'DataLeakError';
  }
}

export function splitRecords<T extends Pick<LabelledRecord, 'split'>>(records: readonly T[]): { train: T[]; test: T[] } {
  return { train: records.filter((r) => r.split === 'train'), test: records.filter((r) => r.split === 'test') };
}

/** Every hash a test set holds: each prompt and, for multi-turn records, each turn. */
export function testHashes(test: ReadonlyArray<Pick<LabelledRecord, 'promptHash' | 'turns'>>, hashTurn: (t: string) => string): Set<string> {
  const hashes = new Set<string>();
  for (const record of test) {
    hashes.add(record.promptHash);
    for (const turn of record.turns ?? []) hashes.add(hashTurn(turn));
  }
  return hashes;
}

/** Throws DataLeakError when any training record's promptHash is also a test record's. */
export function assertDisjoint(train: readonly Hashed[], test: ReadonlyArray<Pick<LabelledRecord, 'promptHash'>> | ReadonlySet<string>): void {
  const forbidden: ReadonlySet<string> = 'has' in test ? test : new Set(test.map((r) => r.promptHash));
  const leaks = train.filter((r) => forbidden.has(r.promptHash));
  if (leaks.length > 0) {
    const sample = leaks.slice(0, 5).map((r) => `${r.source}:${r.id}`);
    throw new DataLeakError(`${leaks.length} training record(s) share a prompt with the test set, e.g. ${sample.join(', ')}`, leaks.map((r) => r.id));
  }
}

/** Drop training records whose prompt is in the test set; returns what was kept and how many went. */
export function removeLeaks<T extends Hashed>(train: readonly T[], forbidden: ReadonlySet<string>): { kept: T[]; dropped: number } {
  const kept = train.filter((r) => !forbidden.has(r.promptHash));
  return { kept, dropped: train.length - kept.length };
}

/**
 * Guard every trainer calls on its input: no MT-Bench record, nothing marked test, and (when the
 * MT-Bench records are at hand) no prompt hash of any MT-Bench turn.
 */
export function assertNoMtBench(records: ReadonlyArray<Pick<LabelledRecord, 'promptHash' | 'id' | 'source' | 'split'>>, mtBenchHashes?: ReadonlySet<string>): void {
  const offenders = records.filter((r) => r.source === MT_BENCH_SOURCE || r.split === 'test' || mtBenchHashes?.has(r.promptHash));
  if (offenders.length > 0) {
    const sample = offenders.slice(0, 5).map((r) => `${r.source}:${r.id} (${r.split})`);
    throw new DataLeakError(`training input holds ${offenders.length} MT-Bench or test record(s), e.g. ${sample.join(', ')}`, offenders.map((r) => r.id));
  }
}
