// A training variant: trainer and hyper-parameters, label definition, source weighting and feature
// groups. fitVariant() trains one on a subset of rows of the full feature matrix.

import type { Example, SourceWeighting } from './examples.ts';
import { labelsFor, sampleWeights } from './examples.ts';
import { groupColumns, type FeatureGroups } from './featurize.ts';
import { assignGroupedFolds } from './folds.ts';
import { getLabelDefinition, labelFor } from './labels.ts';
import { withMultiPairLabels } from './multi-pair.ts';
import { mfPairModel, trainMf, type Comparison, type MfOptions } from './trainers/mf.ts';
import type { FeatureLayout } from '../scoring/features/extractor.ts';
import { trainLogistic, type LogisticOptions } from './trainers/logistic.ts';
import { pick, selectColumns, selectRows, type Matrix } from './trainers/matrix.ts';
import { trainMlp, type MlpOptions } from './trainers/mlp.ts';
import type { LinearScorerModel, ScorerModel, TrainingSet } from './trainers/model.ts';

export type TrainerName = 'logistic' | 'mlp' | 'mf';

export interface MfVariantOptions extends MfOptions {
  /** Total weight of a record's comparisons between other models, relative to its strong/weak comparison. */
  otherPairsWeight?: number;
}

export interface Variant {
  trainer: TrainerName;
  logistic?: LogisticOptions;
  mlp?: MlpOptions;
  mf?: MfVariantOptions;
  label: string;
  weighting: SourceWeighting;
  sourceWeights?: Record<string, number>;
  groups: FeatureGroups;
  /** Structural features left out (trained without; exported with weight 0), by name. */
  dropFeatures?: readonly string[];
  /** Label records of multi-model sources (arena-bench) by the mean label over their clearly separated model pairs. */
  multiPairLabels?: boolean;
  /**
   * Logistic only: fit a per-source intercept (one-hot source columns) during training and drop it
   * afterwards, so the features explain differences WITHIN sources, not the sources' base rates
   * (no source indicator exists at inference; the dropped columns sit at their mean, i.e. the
   * average offset).
   */
  sourceOffsets?: boolean;
}

/**
 * The variant `triage train` uses unless told otherwise: the winner of the experiment grid
 * (docs/eval/experiments.md, `--grid transfer`) by the selection score on training splits
 * (CV by prompt + transfer + arena multi-pair), preferring the cheapest inputs among ties.
 * Training applies the sign guard to it (src/training/sign-check.ts): on the public sources that
 * drops the prompt-length and sentence-count features (docs/eval/sign-check.md).
 */
export const DEFAULT_VARIANT: Readonly<Variant> = Object.freeze({
  trainer: 'logistic',
  logistic: { l2: 1e-3 },
  label: 'gap',
  weighting: 'sources',
  sourceWeights: { 'arena-bench': 0 },
  groups: { embedding: false, structural: true, taskTypes: false },
  sourceOffsets: true,
});

/** A short readable id such as "logistic l2=0.01 | strict | sources{arena-bench:0.3} | all". */
export function variantId(v: Variant): string {
  const hp = (v.trainer === 'logistic' ? v.logistic : v.trainer === 'mlp' ? v.mlp : v.mf) ?? {};
  const hpText = Object.entries(hp).filter(([, value]) => typeof value !== 'object').map(([k, value]) => `${k}=${String(value)}`).join(',');
  const sw = Object.entries(v.sourceWeights ?? {}).map(([k, w]) => `${k.replace('routellm-', '')}:${w}`).join(',');
  const groups = (['embedding', 'structural', 'taskTypes'] as const).filter((g) => v.groups[g]).join('+');
  const drop = v.dropFeatures && v.dropFeatures.length > 0 ? ` -${v.dropFeatures.length === LENGTH_FEATURES.length && LENGTH_FEATURES.every((f) => v.dropFeatures?.includes(f)) ? 'length' : v.dropFeatures.join(',-')}` : '';
  const label = `${v.label}${v.multiPairLabels ? '+multipair' : ''}${v.sourceOffsets ? '+offsets' : ''}`;
  return `${v.trainer}${hpText ? ` ${hpText}` : ''} | ${label} | ${v.weighting}${sw ? `{${sw}}` : ''} | ${groups === 'embedding+structural+taskTypes' ? 'all' : groups}${drop}`;
}

/**
 * Structural features that describe size and form rather than task: they may carry source
 * artefacts (long professional-law MMLU prompts, multiple-choice layout) into open chat.
 */
export const LENGTH_FEATURES: readonly string[] = Object.freeze([
  'last_user_log_chars', 'total_log_chars', 'sentences_log', 'mean_word_length', 'choice_lines', 'list_lines', 'question_marks',
]);

export interface PreparedData {
  /** Full feature matrix (all groups) aligned with examples. */
  x: Matrix;
  layout: FeatureLayout;
  examples: Example[];
}

export interface VariantInputs {
  x: Matrix;
  y: Float64Array;
  weight: Float64Array;
}

/** Features (selected groups), labels and weights of a variant over all examples. */
/** Full-layout columns a variant trains on: its feature groups minus its dropped structural features. */
export function variantColumns(layout: FeatureLayout, variant: Variant): number[] {
  const columns = groupColumns(layout, variant.groups);
  const drop = variant.dropFeatures ?? [];
  for (const name of drop) if (!layout.structural.includes(name)) throw new Error(`unknown structural feature "${name}"`);
  const dropped = new Set(drop.map((name) => layout.embeddingDim + layout.structural.indexOf(name)));
  return columns.filter((c) => !dropped.has(c));
}

export function variantInputs(data: PreparedData, variant: Variant): VariantInputs {
  const columns = variantColumns(data.layout, variant);
  if (columns.length === 0) throw new Error('a variant needs at least one feature');
  const definition = getLabelDefinition(variant.label);
  const labels = labelsFor(data.examples, definition);
  return {
    x: columns.length === data.layout.size ? data.x : selectColumns(data.x, columns),
    y: variant.multiPairLabels ? withMultiPairLabels(data.examples, labels, definition) : labels,
    weight: sampleWeights(data.examples, variant.weighting, variant.sourceWeights),
  };
}

function subset(inputs: VariantInputs, rows: readonly number[]): TrainingSet {
  return { x: selectRows(inputs.x, rows), y: pick(inputs.y, rows), weight: pick(inputs.weight, rows) };
}

/** Trains the variant on the given rows. The MLP's early-stopping fold is one grouped inner fold. */
export function fitVariant(data: PreparedData, inputs: VariantInputs, variant: Variant, rows: readonly number[]): ScorerModel {
  if (variant.trainer === 'logistic' && variant.sourceOffsets) return fitWithSourceOffsets(data, inputs, variant, rows);
  if (variant.trainer === 'logistic') return trainLogistic(subset(inputs, rows), variant.logistic);
  if (variant.trainer === 'mf') return fitMf(data, inputs, variant, rows);
  const inner = assignGroupedFolds(rows.map((r) => ({ groupKey: data.examples[r]?.groupKey ?? String(r) })), 7);
  const fit = rows.filter((_, i) => inner[i] !== 0);
  const validation = rows.filter((_, i) => inner[i] === 0);
  return trainMlp(subset(inputs, fit), { ...variant.mlp, validation: subset(inputs, validation) });
}

/** Logistic regression on [features | one-hot source]; the source columns are dropped from the returned model. */
function fitWithSourceOffsets(data: PreparedData, inputs: VariantInputs, variant: Variant, rows: readonly number[]): LinearScorerModel {
  const set = subset(inputs, rows);
  const sources = [...new Set(rows.map((r) => data.examples[r]?.source ?? ''))].sort();
  const d = set.x.cols;
  const width = d + sources.length;
  const x = new Float64Array(set.x.rows * width);
  rows.forEach((r, i) => {
    x.set(set.x.data.subarray(i * d, (i + 1) * d), i * width);
    x[i * width + d + sources.indexOf(data.examples[r]?.source ?? '')] = 1;
  });
  const full = trainLogistic({ ...set, x: { rows: set.x.rows, cols: width, data: x } }, variant.logistic);
  const standardizer = { ...full.standardizer, mean: full.standardizer.mean.slice(0, d), std: full.standardizer.std.slice(0, d) };
  return { ...full, inputDim: d, standardizer, weights: full.weights.slice(0, d) };
}

/** Pairwise comparisons of every pair of models a record scores; the strong/weak pair weighs the record's weight. */
export function buildComparisons(data: PreparedData, inputs: VariantInputs, variant: Variant, rows: readonly number[], models: readonly string[]): Comparison[] {
  const definition = getLabelDefinition(variant.label);
  const index = new Map(models.map((m, i) => [m, i]));
  const first = data.examples[rows[0] ?? 0];
  const strong = index.get(first?.pairStrong ?? '') ?? -1;
  const weak = index.get(first?.pairWeak ?? '') ?? -1;
  const share = variant.mf?.otherPairsWeight ?? 1;
  const out: Comparison[] = [];
  rows.forEach((row, i) => {
    const example = data.examples[row];
    if (!example) return;
    const weight = inputs.weight[row] ?? 1;
    out.push({ row: i, a: strong, b: weak, y: inputs.y[row] ?? 0, weight });
    if (share <= 0) return;
    const scored = Object.entries(example.record.scores).filter(([m]) => index.has(m));
    const others: [number, number, number][] = [];
    for (let p = 0; p < scored.length; p++) {
      for (let q = p + 1; q < scored.length; q++) {
        const [ma, sa] = scored[p] as [string, number];
        const [mb, sb] = scored[q] as [string, number];
        const a = index.get(ma) ?? -1;
        const b = index.get(mb) ?? -1;
        if ((a === strong && b === weak) || (a === weak && b === strong)) continue;
        others.push([a, b, labelFor(definition, example.scale, sa, sb)]);
      }
    }
    for (const [a, b, y] of others) out.push({ row: i, a, b, y, weight: (weight * share) / others.length });
  });
  return out;
}

function fitMf(data: PreparedData, inputs: VariantInputs, variant: Variant, rows: readonly number[]): ScorerModel {
  const models = [...new Set(rows.flatMap((r) => Object.keys(data.examples[r]?.record.scores ?? {})))].sort();
  const first = data.examples[rows[0] ?? 0];
  if (!first) throw new Error('no rows to train on');
  const comparisons = buildComparisons(data, inputs, variant, rows, models);
  const factorisation = trainMf(selectRows(inputs.x, rows), models, comparisons, variant.mf);
  return mfPairModel(factorisation, first.pairStrong, first.pairWeak);
}
