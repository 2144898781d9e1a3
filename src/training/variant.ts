// A training variant: trainer and hyper-parameters, label definition, source weighting and feature
// groups. fitVariant() trains one on a subset of rows of the full feature matrix.

import type { Example, SourceWeighting } from './examples.ts';
import { labelsFor, sampleWeights } from './examples.ts';
import { ALL_GROUPS, groupColumns, type FeatureGroups } from './featurize.ts';
import { assignGroupedFolds } from './folds.ts';
import { getLabelDefinition } from './labels.ts';
import type { FeatureLayout } from '../scoring/features/extractor.ts';
import { trainLogistic, type LogisticOptions } from './trainers/logistic.ts';
import { pick, selectColumns, selectRows, type Matrix } from './trainers/matrix.ts';
import { trainMlp, type MlpOptions } from './trainers/mlp.ts';
import type { ScorerModel, TrainingSet } from './trainers/model.ts';

export type TrainerName = 'logistic' | 'mlp';

export interface Variant {
  trainer: TrainerName;
  logistic?: LogisticOptions;
  mlp?: MlpOptions;
  label: string;
  weighting: SourceWeighting;
  sourceWeights?: Record<string, number>;
  groups: FeatureGroups;
}

export const DEFAULT_VARIANT: Readonly<Variant> = Object.freeze({
  trainer: 'logistic',
  logistic: { l2: 1e-2 },
  label: 'strict',
  weighting: 'sources',
  groups: { ...ALL_GROUPS },
});

/** A short readable id such as "logistic l2=0.01 | strict | sources{arena-bench:0.3} | all". */
export function variantId(v: Variant): string {
  const hp = v.trainer === 'logistic' ? v.logistic ?? {} : v.mlp ?? {};
  const hpText = Object.entries(hp).filter(([, value]) => typeof value !== 'object').map(([k, value]) => `${k}=${String(value)}`).join(',');
  const sw = Object.entries(v.sourceWeights ?? {}).map(([k, w]) => `${k.replace('routellm-', '')}:${w}`).join(',');
  const groups = (['embedding', 'structural', 'taskTypes'] as const).filter((g) => v.groups[g]).join('+');
  return `${v.trainer}${hpText ? ` ${hpText}` : ''} | ${v.label} | ${v.weighting}${sw ? `{${sw}}` : ''} | ${groups === 'embedding+structural+taskTypes' ? 'all' : groups}`;
}

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
export function variantInputs(data: PreparedData, variant: Variant): VariantInputs {
  const columns = groupColumns(data.layout, variant.groups);
  if (columns.length === 0) throw new Error('a variant needs at least one feature group');
  return {
    x: columns.length === data.layout.size ? data.x : selectColumns(data.x, columns),
    y: labelsFor(data.examples, getLabelDefinition(variant.label)),
    weight: sampleWeights(data.examples, variant.weighting, variant.sourceWeights),
  };
}

function subset(inputs: VariantInputs, rows: readonly number[]): TrainingSet {
  return { x: selectRows(inputs.x, rows), y: pick(inputs.y, rows), weight: pick(inputs.weight, rows) };
}

/** Trains the variant on the given rows. The MLP's early-stopping fold is one grouped inner fold. */
export function fitVariant(data: PreparedData, inputs: VariantInputs, variant: Variant, rows: readonly number[]): ScorerModel {
  if (variant.trainer === 'logistic') return trainLogistic(subset(inputs, rows), variant.logistic);
  const inner = assignGroupedFolds(rows.map((r) => ({ groupKey: data.examples[r]?.groupKey ?? String(r) })), 7);
  const fit = rows.filter((_, i) => inner[i] !== 0);
  const validation = rows.filter((_, i) => inner[i] === 0);
  return trainMlp(subset(inputs, fit), { ...variant.mlp, validation: subset(inputs, validation) });
}
