// Extracting the strong and weak model's per-prompt quality from records.

import type { PairQualities, ScoredRecord } from './types.ts';

export class MissingScoreError extends Error {
  constructor(recordIndex: number, id: string | undefined, model: string) {
    super(`record ${id ?? `#${recordIndex}`} has no score for ${model}`);
    this.name = 'MissingScoreError';
  }
}

/** Per-prompt qualities of the pair; every record must score both models. */
export function pairQualities(records: readonly ScoredRecord[], strong: string, weak: string): PairQualities {
  const strongQ = new Float64Array(records.length);
  const weakQ = new Float64Array(records.length);
  records.forEach((record, i) => {
    const s = record.scores[strong];
    const w = record.scores[weak];
    if (s === undefined) throw new MissingScoreError(i, record.id, strong);
    if (w === undefined) throw new MissingScoreError(i, record.id, weak);
    strongQ[i] = s;
    weakQ[i] = w;
  });
  return { strong: strongQ, weak: weakQ };
}

/** Keep the records that score both models (e.g. arena-bench rows with an unparsable judgment). */
export function recordsScoringPair<T extends ScoredRecord>(records: readonly T[], strong: string, weak: string): T[] {
  return records.filter((r) => r.scores[strong] !== undefined && r.scores[weak] !== undefined);
}

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] ?? 0;
  return values.length ? sum / values.length : Number.NaN;
}
