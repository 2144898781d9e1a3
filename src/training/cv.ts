// Cross-validation of a variant on TRAINING data only: grouped k-fold out-of-fold predictions
// (MMLU folds by subject), scored per source with RouteLLM's APGR and AUC; and a transfer check
// that trains on all other sources and predicts one (how a scorer generalises to a new
// distribution, the situation of open chat).

import { evaluateScores } from '../eval/evaluate-router.ts';
import { assignGroupedFolds } from './folds.ts';
import { forwardMatrix } from './trainers/model.ts';
import { selectRows } from './trainers/matrix.ts';
import { fitVariant, variantInputs, type PreparedData, type Variant } from './variant.ts';

export interface SourceMetrics {
  apgr: number;
  auc: number;
  records: number;
}

export interface CvResult {
  perSource: Record<string, SourceMetrics>;
  /** Mean of the per-source APGRs: every source counts once (the selection criterion). */
  meanApgr: number;
}

function metricsBySource(data: PreparedData, predictions: Float64Array, rowsOf: (source: string) => number[]): Record<string, SourceMetrics> {
  const out: Record<string, SourceMetrics> = {};
  for (const source of [...new Set(data.examples.map((e) => e.source))]) {
    const rows = rowsOf(source);
    if (rows.length === 0) continue;
    const qualities = {
      strong: Float64Array.from(rows, (r) => data.examples[r]?.strong ?? 0),
      weak: Float64Array.from(rows, (r) => data.examples[r]?.weak ?? 0),
    };
    const m = evaluateScores(Float64Array.from(rows, (r) => predictions[r] ?? 0), qualities);
    out[source] = { apgr: m.apgr, auc: m.auc, records: rows.length };
  }
  return out;
}

function meanOf(perSource: Record<string, SourceMetrics>): number {
  const values = Object.values(perSource).map((m) => m.apgr);
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

export function crossValidate(data: PreparedData, variant: Variant, k: number): CvResult {
  const inputs = variantInputs(data, variant);
  const folds = assignGroupedFolds(data.examples, k);
  const predictions = new Float64Array(data.examples.length);
  for (let fold = 0; fold < k; fold++) {
    const train: number[] = [];
    const held: number[] = [];
    folds.forEach((f, i) => (f === fold ? held : train).push(i));
    if (held.length === 0) continue;
    const model = fitVariant(data, inputs, variant, train);
    const scores = forwardMatrix(model, selectRows(inputs.x, held));
    held.forEach((row, i) => (predictions[row] = scores[i] ?? 0));
  }
  const perSource = metricsBySource(data, predictions, (s) => data.examples.flatMap((e, i) => (e.source === s ? [i] : [])));
  return { perSource, meanApgr: meanOf(perSource) };
}

/** Leave-one-source-out: for each source, train on the others and score it. */
export function transferBySource(data: PreparedData, variant: Variant): Record<string, SourceMetrics> {
  const inputs = variantInputs(data, variant);
  const sources = [...new Set(data.examples.map((e) => e.source))];
  const predictions = new Float64Array(data.examples.length);
  if (sources.length < 2) return {};
  for (const source of sources) {
    const train = data.examples.flatMap((e, i) => (e.source !== source ? [i] : []));
    const held = data.examples.flatMap((e, i) => (e.source === source ? [i] : []));
    const model = fitVariant(data, inputs, variant, train);
    const scores = forwardMatrix(model, selectRows(inputs.x, held));
    held.forEach((row, i) => (predictions[row] = scores[i] ?? 0));
  }
  return metricsBySource(data, predictions, (s) => data.examples.flatMap((e, i) => (e.source === s ? [i] : [])));
}
