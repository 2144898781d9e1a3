// Which two models a training run learns to tell apart. Named on the command line (either
// spelling, see data/model-names.ts), else the pair the labels score together most often, the
// strong one being the one with the higher mean score on the records scoring both.

import type { LabelledRecord } from './data/format.ts';
import { findModelName } from './data/model-names.ts';
import type { PairModels } from './examples.ts';

/** The most often co-scored pair of models; the higher mean score is the strong one. */
export function mostCommonPair(records: ReadonlyArray<Pick<LabelledRecord, 'scores'>>): PairModels {
  const counts = new Map<string, number>();
  for (const r of records) {
    const models = Object.keys(r.scores).sort();
    for (let i = 0; i < models.length; i++) {
      for (let j = i + 1; j < models.length; j++) {
        const key = JSON.stringify([models[i], models[j]]);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
  }
  let best: [string, number] | undefined;
  for (const entry of [...counts.entries()].sort((a, b) => a[0].localeCompare(b[0]))) if (!best || entry[1] > best[1]) best = entry;
  if (!best) throw new Error('no record scores two models: cannot tell which pair to train (name it with --strong and --weak)');
  const [a, b] = JSON.parse(best[0]) as [string, string];
  let sumA = 0;
  let sumB = 0;
  for (const r of records) {
    const sa = r.scores[a];
    const sb = r.scores[b];
    if (sa === undefined || sb === undefined) continue;
    sumA += sa;
    sumB += sb;
  }
  return sumA >= sumB ? { strong: a, weak: b } : { strong: b, weak: a };
}

/** Every model name the records score. */
export function scoredModels(records: ReadonlyArray<Pick<LabelledRecord, 'scores'>>): Set<string> {
  const names = new Set<string>();
  for (const r of records) for (const m of Object.keys(r.scores)) names.add(m);
  return names;
}

/**
 * The pair to train: the names given (each resolved to the spelling the records use), filling a
 * missing one from the most common pair.
 */
export function resolvePair(records: ReadonlyArray<Pick<LabelledRecord, 'scores'>>, given: { strong?: string; weak?: string }): PairModels {
  const names = scoredModels(records);
  if (given.strong && given.weak) return { strong: findModelName(given.strong, names), weak: findModelName(given.weak, names) };
  const common = mostCommonPair(records);
  return {
    strong: given.strong ? findModelName(given.strong, names) : common.strong,
    weak: given.weak ? findModelName(given.weak, names) : common.weak,
  };
}
