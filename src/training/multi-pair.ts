// Multi-model sources (arena-bench scores 16 models per prompt): the "clearly separated" model
// pairs, whose mean scores over the source differ by >= MULTI_PAIR_MIN_GAP. Used twice: as an
// open-chat proxy metric (cv.ts) and, optionally, as a denoised training label — the mean label
// over those pairs — for the records of such a source (variant.ts).

import type { Example } from './examples.ts';
import { labelFor, type LabelDefinition } from './labels.ts';

/** Pairs of a multi-model source whose mean scores differ by at least this much count as strong/weak pairs. */
export const MULTI_PAIR_MIN_GAP = 1.5;

export interface ModelPair {
  strong: string;
  weak: string;
}

/** Separated pairs over the given rows (empty when fewer than 3 models are scored). */
export function separatedPairs(examples: readonly Example[], rows: readonly number[]): ModelPair[] {
  const totals = new Map<string, { sum: number; n: number }>();
  for (const r of rows) {
    for (const [model, score] of Object.entries(examples[r]?.record.scores ?? {})) {
      const t = totals.get(model) ?? { sum: 0, n: 0 };
      t.sum += score;
      t.n++;
      totals.set(model, t);
    }
  }
  if (totals.size < 3) return [];
  const means = [...totals.entries()].map(([m, t]) => [m, t.sum / t.n] as const).sort((a, b) => a[0].localeCompare(b[0]));
  const pairs: ModelPair[] = [];
  for (const [strong, sm] of means) for (const [weak, wm] of means) if (sm - wm >= MULTI_PAIR_MIN_GAP) pairs.push({ strong, weak });
  return pairs;
}

/**
 * Replaces the label of every record of a multi-model source by the mean label over the source's
 * separated pairs that the record scores (pairs from the source's training rows only). Other
 * sources keep their label. Returns a new array.
 */
export function withMultiPairLabels(examples: readonly Example[], labels: Float64Array, definition: LabelDefinition): Float64Array {
  const out = Float64Array.from(labels);
  for (const source of new Set(examples.map((e) => e.source))) {
    const rows = examples.flatMap((e, i) => (e.source === source ? [i] : []));
    const pairs = separatedPairs(examples, rows);
    if (pairs.length === 0) continue;
    for (const r of rows) {
      const example = examples[r];
      if (!example) continue;
      let sum = 0;
      let n = 0;
      for (const { strong, weak } of pairs) {
        const s = example.record.scores[strong];
        const w = example.record.scores[weak];
        if (s === undefined || w === undefined) continue;
        sum += labelFor(definition, example.scale, s, w);
        n++;
      }
      if (n > 0) out[r] = sum / n;
    }
  }
  return out;
}
