// Training examples: the records of a model pair with what every variant needs — the two
// models' scores, the source's score scale, the CV group — and the per-variant label and weight.

import type { LabelledRecord } from './data/format.ts';
import { detectScale, labelFor, type LabelDefinition, type ScoreScale } from './labels.ts';

export interface Example {
  record: LabelledRecord;
  source: string;
  scale: ScoreScale;
  strong: number;
  weak: number;
  pairStrong: string;
  pairWeak: string;
  /** Records sharing this key share a CV fold: the MMLU subject, else the prompt itself. */
  groupKey: string;
}

export interface PairModels {
  strong: string;
  weak: string;
}

/** Raised when a training source has no record scoring both models of its pair. */
export class EmptySourceError extends Error {
  override readonly name = 'EmptySourceError';
}

function modelsOf(records: readonly LabelledRecord[]): string {
  const counts = new Map<string, number>();
  for (const r of records) for (const m of Object.keys(r.scores)) counts.set(m, (counts.get(m) ?? 0) + 1);
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([m, n]) => `${m} (${n})`);
  return top.length > 0 ? top.join(', ') : 'none';
}

/**
 * Keeps records that score both models of the source's pair (`pairs[source]`, else `pair`); the
 * scale is decided once per source. A source left with no record throws EmptySourceError naming
 * the models it does score, instead of training on nothing.
 */
export function buildExamples(
  recordsBySource: ReadonlyArray<{ name: string; records: readonly LabelledRecord[] }>,
  defaultPair: PairModels,
  pairs: Readonly<Record<string, PairModels>> = {},
): Example[] {
  const examples: Example[] = [];
  for (const { name, records } of recordsBySource) {
    const pair = pairs[name] ?? defaultPair;
    const scored = records.filter((r) => r.scores[pair.strong] !== undefined && r.scores[pair.weak] !== undefined);
    if (scored.length === 0) {
      throw new EmptySourceError(
        `training source ${name} has no record scoring both ${pair.strong} (strong) and ${pair.weak} (weak) ` +
          `among its ${records.length} record(s); it scores: ${modelsOf(records)}. Name the pair with --strong and --weak, or leave the source out`,
      );
    }
    const scale = detectScale(scored.map((r) => [r.scores[pair.strong] ?? 0, r.scores[pair.weak] ?? 0] as const));
    for (const record of scored) {
      examples.push({
        record,
        source: name,
        scale,
        strong: record.scores[pair.strong] ?? 0,
        weak: record.scores[pair.weak] ?? 0,
        pairStrong: pair.strong,
        pairWeak: pair.weak,
        groupKey: record.group !== undefined ? `${name}/group/${record.group}` : `${name}/prompt/${record.promptHash}`,
      });
    }
  }
  return examples;
}

export function labelsFor(examples: readonly Example[], definition: LabelDefinition): Float64Array {
  return Float64Array.from(examples, (e) => labelFor(definition, e.scale, e.strong, e.weak));
}

/**
 * 'records': every record weighs its source's weight. 'sources': each source's records together
 * weigh (source weight) x (records / sources), i.e. equal shares before the source weights.
 */
export type SourceWeighting = 'records' | 'sources';

export function sampleWeights(examples: readonly Example[], weighting: SourceWeighting, sourceWeights: Readonly<Record<string, number>> = {}): Float64Array {
  const counts = new Map<string, number>();
  for (const e of examples) counts.set(e.source, (counts.get(e.source) ?? 0) + 1);
  const perSource = examples.length / Math.max(1, counts.size);
  return Float64Array.from(examples, (e) => {
    const base = sourceWeights[e.source] ?? 1;
    return weighting === 'records' ? base : (base * perSource) / (counts.get(e.source) ?? 1);
  });
}
