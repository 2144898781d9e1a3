// Labels for the quality calibrator: a labelled file in the normalised format, scored by the
// router's own scorer. The strong and weak label columns are named, or inferred when the file
// scores exactly two models (the one with the higher mean is the strong one).

import type { RouterConfig } from '../config/types.ts';
import { readRecords } from '../training/data/jsonl.ts';
import type { ScorerPool } from '../scoring/pool.ts';
import type { LabelledScores } from './calibrate/quality.ts';

export interface LabelledSet extends LabelledScores {
  strongModel: string;
  weakModel: string;
  scorer: string;
  path: string;
}

function pickPair(records: Awaited<ReturnType<typeof readRecords>>, strong?: string, weak?: string): { strong: string; weak: string } {
  if (strong && weak) return { strong, weak };
  const sums = new Map<string, { sum: number; n: number }>();
  for (const r of records) {
    for (const [model, score] of Object.entries(r.scores)) {
      const entry = sums.get(model) ?? { sum: 0, n: 0 };
      entry.sum += score;
      entry.n += 1;
      sums.set(model, entry);
    }
  }
  if (sums.size !== 2) {
    throw new Error(`the labels score ${sums.size} models (${[...sums.keys()].slice(0, 6).join(', ')}${sums.size > 6 ? ', ...' : ''}); name the pair with --strong-label and --weak-label`);
  }
  const [a, b] = [...sums.entries()].map(([model, { sum, n }]) => ({ model, mean: sum / n }));
  return a!.mean >= b!.mean ? { strong: a!.model, weak: b!.model } : { strong: b!.model, weak: a!.model };
}

export async function loadLabelledSet(
  path: string,
  router: RouterConfig,
  scorers: ScorerPool,
  options: { strongLabel?: string; weakLabel?: string; split?: 'train' | 'test' } = {},
): Promise<LabelledSet> {
  const records = (await readRecords(path)).filter((r) => options.split === undefined || r.split === options.split);
  if (records.length === 0) throw new Error(`no records in ${path}${options.split ? ` with split "${options.split}"` : ''}`);
  const pair = pickPair(records, options.strongLabel, options.weakLabel);
  const usable = records.filter((r) => r.scores[pair.strong] !== undefined && r.scores[pair.weak] !== undefined);
  if (usable.length === 0) throw new Error(`no record in ${path} scores both ${pair.strong} and ${pair.weak}`);
  const scorer = await scorers.get(router);
  const scores: number[] = [];
  for (const r of usable) {
    const messages = (r.turns ?? [r.prompt]).map((content) => ({ role: 'user' as const, content }));
    scores.push((await scorer.score({ model: 'triage', messages: messages.slice(0, 1) })).score);
  }
  return {
    scores,
    strong: usable.map((r) => r.scores[pair.strong] as number),
    weak: usable.map((r) => r.scores[pair.weak] as number),
    strongModel: pair.strong,
    weakModel: pair.weak,
    scorer: scorer.name,
    path,
  };
}
