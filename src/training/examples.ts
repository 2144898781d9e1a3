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

/** Keeps records that score both models; the scale is decided once per source. */
export function buildExamples(recordsBySource: ReadonlyArray<{ name: string; records: readonly LabelledRecord[] }>, pair: PairModels): Example[] {
  const examples: Example[] = [];
  for (const { name, records } of recordsBySource) {
    const scored = records.filter((r) => r.scores[pair.strong] !== undefined && r.scores[pair.weak] !== undefined);
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
