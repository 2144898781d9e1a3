// Summaries of a labelled set: sizes per split and the label balance for a model pair.

import type { LabelledRecord } from './format.ts';

export interface PairBalance {
  /** Records that score both models. */
  paired: number;
  /** Share of paired records where the strong model scored strictly higher. */
  strongWins: number;
  /** Share where the weak model scored strictly higher. */
  weakWins: number;
  ties: number;
}

export interface SetSummary {
  records: number;
  train: number;
  test: number;
  models: number;
  balance: PairBalance;
}

export function pairBalance(records: ReadonlyArray<Pick<LabelledRecord, 'scores'>>, strong: string, weak: string): PairBalance {
  let paired = 0;
  let strongWins = 0;
  let weakWins = 0;
  for (const { scores } of records) {
    const s = scores[strong];
    const w = scores[weak];
    if (s === undefined || w === undefined) continue;
    paired++;
    if (s > w) strongWins++;
    else if (w > s) weakWins++;
  }
  const share = (n: number): number => (paired ? n / paired : 0);
  return { paired, strongWins: share(strongWins), weakWins: share(weakWins), ties: share(paired - strongWins - weakWins) };
}

export function summarise(records: readonly LabelledRecord[], strong: string, weak: string): SetSummary {
  const models = new Set<string>();
  for (const r of records) for (const m of Object.keys(r.scores)) models.add(m);
  return {
    records: records.length,
    train: records.filter((r) => r.split === 'train').length,
    test: records.filter((r) => r.split === 'test').length,
    models: models.size,
    balance: pairBalance(records, strong, weak),
  };
}
