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
  /** Out-of-fold score of every example. */
  predictions: Float64Array;
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
  return { perSource, predictions, meanApgr: meanOf(perSource) };
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

/** Pairs of a multi-model source whose mean scores differ by at least this much count as strong/weak pairs. */
export const MULTI_PAIR_MIN_GAP = 1.5;

/**
 * Open-chat proxy: on a source that scores many models (arena-bench: 16 models on hard chat
 * prompts), the mean APGR of the predictions over every model pair whose mean scores differ by
 * >= MULTI_PAIR_MIN_GAP. Averaging over ~75 pairs removes most of the label noise of the single
 * strong/weak pair; a scorer that finds what makes a chat prompt hard scores above 0.5 on most pairs.
 */
export function multiPairApgr(data: PreparedData, predictions: Float64Array, source: string): { apgr: number; pairs: number } | undefined {
  const rows = data.examples.flatMap((e, i) => (e.source === source ? [i] : []));
  const totals = new Map<string, { sum: number; n: number }>();
  for (const r of rows) {
    for (const [model, score] of Object.entries(data.examples[r]?.record.scores ?? {})) {
      const t = totals.get(model) ?? { sum: 0, n: 0 };
      t.sum += score;
      t.n++;
      totals.set(model, t);
    }
  }
  if (totals.size < 3) return undefined;
  const means = [...totals.entries()].map(([m, t]) => [m, t.sum / t.n] as const);
  const apgrs: number[] = [];
  for (const [strong, sm] of means) {
    for (const [weak, wm] of means) {
      if (sm - wm < MULTI_PAIR_MIN_GAP) continue;
      const scored = rows.filter((r) => data.examples[r]?.record.scores[strong] !== undefined && data.examples[r]?.record.scores[weak] !== undefined);
      const qualities = {
        strong: Float64Array.from(scored, (r) => data.examples[r]?.record.scores[strong] ?? 0),
        weak: Float64Array.from(scored, (r) => data.examples[r]?.record.scores[weak] ?? 0),
      };
      apgrs.push(evaluateScores(Float64Array.from(scored, (r) => predictions[r] ?? 0), qualities).apgr);
    }
  }
  if (apgrs.length === 0) return undefined;
  return { apgr: apgrs.reduce((a, b) => a + b, 0) / apgrs.length, pairs: apgrs.length };
}

export interface VariantScore {
  cv: CvResult;
  transfer: Record<string, SourceMetrics>;
  /** Open-chat proxy per multi-model source (out-of-fold predictions). */
  multiPair: Record<string, { apgr: number; pairs: number }>;
  /** Mean of every per-source CV and transfer APGR and every multi-pair figure: the model-selection criterion. */
  selection: number;
}

/**
 * The selection criterion used by tuning and by the experiment grid: open chat is a distribution
 * no training source matches, so a variant is judged on fitting each source (CV), on transferring
 * to it from the others, and on the multi-pair open-chat proxy, with equal weight.
 */
export function scoreVariant(data: PreparedData, variant: Variant, k: number): VariantScore {
  const cv = crossValidate(data, variant, k);
  const transfer = transferBySource(data, variant);
  const multiPair: VariantScore['multiPair'] = {};
  for (const source of new Set(data.examples.map((e) => e.source))) {
    const m = multiPairApgr(data, cv.predictions, source);
    if (m) multiPair[source] = m;
  }
  const values = [...Object.values(cv.perSource), ...Object.values(transfer), ...Object.values(multiPair)].map((m) => m.apgr);
  return { cv, transfer, multiPair, selection: values.reduce((a, b) => a + b, 0) / Math.max(1, values.length) };
}
