// Cross-validation of a variant on TRAINING data only: k-fold out-of-fold predictions with folds
// by prompt (the test splits' protocol) and, reported separately, folds by group (MMLU: unseen
// subjects), scored per source with RouteLLM's APGR and AUC; a transfer check that trains on all
// other sources and predicts one (how a scorer generalises to a new distribution, the situation
// of open chat); and the arena multi-pair open-chat proxy.

import { evaluateScores } from '../eval/evaluate-router.ts';
import { assignGroupedFolds } from './folds.ts';
import { MULTI_PAIR_MIN_GAP, separatedPairs } from './multi-pair.ts';
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

/**
 * How CV folds are formed. 'prompt': every prompt on its own (identical prompts together) — the
 * protocol of every test split (MMLU, GSM8K, arena-bench are all split by prompt hash).
 * 'group': records sharing a group (MMLU subject) share a fold — generalisation to unseen subjects.
 */
export type FoldBy = 'prompt' | 'group';

function foldKeys(data: PreparedData, foldBy: FoldBy): { groupKey: string }[] {
  return foldBy === 'group' ? data.examples : data.examples.map((e) => ({ groupKey: `${e.source}/prompt/${e.record.promptHash}` }));
}

export function crossValidate(data: PreparedData, variant: Variant, k: number, foldBy: FoldBy = 'prompt'): CvResult {
  const inputs = variantInputs(data, variant);
  const folds = assignGroupedFolds(foldKeys(data, foldBy), k);
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

export { MULTI_PAIR_MIN_GAP };

/**
 * Open-chat proxy: on a source that scores many models (arena-bench: 16 models on hard chat
 * prompts), the mean APGR of the predictions over every model pair whose mean scores differ by
 * >= MULTI_PAIR_MIN_GAP. Averaging over ~75 pairs removes most of the label noise of the single
 * strong/weak pair; a scorer that finds what makes a chat prompt hard scores above 0.5 on most pairs.
 */
export function multiPairApgr(data: PreparedData, predictions: Float64Array, source: string): { apgr: number; pairs: number } | undefined {
  const rows = data.examples.flatMap((e, i) => (e.source === source ? [i] : []));
  const apgrs: number[] = [];
  for (const { strong, weak } of separatedPairs(data.examples, rows)) {
    const scored = rows.filter((r) => data.examples[r]?.record.scores[strong] !== undefined && data.examples[r]?.record.scores[weak] !== undefined);
    const qualities = {
      strong: Float64Array.from(scored, (r) => data.examples[r]?.record.scores[strong] ?? 0),
      weak: Float64Array.from(scored, (r) => data.examples[r]?.record.scores[weak] ?? 0),
    };
    apgrs.push(evaluateScores(Float64Array.from(scored, (r) => predictions[r] ?? 0), qualities).apgr);
  }
  if (apgrs.length === 0) return undefined;
  return { apgr: apgrs.reduce((a, b) => a + b, 0) / apgrs.length, pairs: apgrs.length };
}

export interface VariantScore {
  /** CV with folds by prompt, the protocol of the test splits (in the selection score). */
  cv: CvResult;
  /** CV with folds by group, for sources that have groups (MMLU: unseen subjects). Reported, not in the selection score. */
  unseenGroups: Record<string, SourceMetrics>;
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
  const cv = crossValidate(data, variant, k, 'prompt');
  const grouped = new Set(data.examples.filter((e) => e.record.group !== undefined).map((e) => e.source));
  const unseenGroups = grouped.size > 0 ? Object.fromEntries(Object.entries(crossValidate(data, variant, k, 'group').perSource).filter(([s]) => grouped.has(s))) : {};
  const transfer = transferBySource(data, variant);
  const multiPair: VariantScore['multiPair'] = {};
  for (const source of new Set(data.examples.map((e) => e.source))) {
    const m = multiPairApgr(data, cv.predictions, source);
    if (m) multiPair[source] = m;
  }
  const values = [...Object.values(cv.perSource), ...Object.values(transfer), ...Object.values(multiPair)].map((m) => m.apgr);
  return { cv, unseenGroups, transfer, multiPair, selection: values.reduce((a, b) => a + b, 0) / Math.max(1, values.length) };
}
