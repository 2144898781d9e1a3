// The training pipeline behind `triage train`: load train splits (leak-checked), embed once per
// embedder through the on-disk cache, choose hyper-parameters by grouped cross-validation on the
// training splits only, fit on all training data, report held-out metrics on the test splits,
// and write models/<name>/ (scorer.onnx + meta.json). MT-Bench never enters training or
// selection; it is scored in meta.json for the record only.

import { join, resolve } from 'node:path';
import { createEmbedder } from '../embedding/registry.ts';
import { evaluateScores } from '../eval/evaluate-router.ts';
import { createFeatureExtractor, type FeatureExtractor } from '../scoring/features/extractor.ts';
import { MT_BENCH_SOURCE } from './data/sources/mt-bench.ts';
import type { LabelledRecord } from './data/format.ts';
import { scoreVariant, type SourceMetrics, type VariantScore } from './cv.ts';
import { loadTrainingCorpus, type SourceFile, type TrainingCorpus } from './dataset.ts';
import { featureLayoutId } from '../scoring/features/layout-id.ts';
import { mostCommonPair } from './pair.ts';
import { createDiskCachedEmbedder, type CachedEmbedder } from './embedding-cache.ts';
import { buildExamples, sampleWeights, type PairModels } from './examples.ts';
import { ALL_GROUPS, featurizeRecords, groupColumns, hasUsableInput, type FeatureGroups } from './featurize.ts';
import { getLabelDefinition } from './labels.ts';
import { writeModelFolder } from './model-writer.ts';
import type { ModelMeta } from '../scoring/learned/meta.ts';
import { forwardMatrix, type ScorerModel } from './trainers/model.ts';
import { selectColumns } from './trainers/matrix.ts';
import { expandModel } from './trainers/expand.ts';
import { weightedQuantiles } from '../scoring/learned/quantile-map.ts';
import { fitVariant, variantColumns, variantId, variantInputs, type PreparedData, type Variant } from './variant.ts';
import { describeFlips, guardBySignCheck } from './sign-check.ts';

export const DEFAULT_TRAINING_SOURCES = ['routellm-mmlu', 'routellm-gsm8k', 'arena-bench'] as const;
export const SELECTION_NOTE =
  'Hyper-parameters and variants chosen on training splits only: mean of k-fold CV APGR per source (folds by prompt, as the test splits), ' +
  'leave-one-source-out transfer APGR and the arena multi-pair open-chat proxy (MMLU unseen-subject CV reported, not selected on); ' +
  'test splits and MT-Bench were never used for training or selection. heldOut metrics are reported after the fact.';

export interface PrepareOptions {
  dataDir: string;
  sources: readonly string[];
  embedderSpec: string;
  /** The pair every source is labelled by (default: the pair the training records score together most often). */
  pair?: PairModels;
  /** Per-source pair overrides (own traffic scores the team's models, the public sets their own). */
  pairs?: Readonly<Record<string, PairModels>>;
  /** Feature groups to extract (default all; a subset when training on stored vectors of that layout). */
  groups?: FeatureGroups;
  /** In-memory sources (e.g. labels exported from the decision log), named in `sources` to train on them. */
  extraSources?: readonly SourceFile[];
  log?: (line: string) => void;
  /** Default: <dataDir>/cache. */
  cacheDir?: string;
  progress?: boolean;
}

export interface Prepared {
  data: PreparedData;
  corpus: TrainingCorpus;
  embedderSpec: string;
  embedder: CachedEmbedder;
  extractor: FeatureExtractor;
  pair: PairModels;
  pairs: Readonly<Record<string, PairModels>>;
  /** Id of the extracted layout: stored vectors with this id are used as they are. */
  layoutId: string;
  close(): Promise<void>;
}

/** Drops records with no usable input (no prompt, no stored vector of this layout), saying how many. */
function usableOnly(corpus: TrainingCorpus, layoutId: string, size: number, log: (line: string) => void): TrainingCorpus {
  const sources = corpus.sources.map((s) => {
    const records = s.records.filter((r) => hasUsableInput(r, layoutId, size));
    if (records.length < s.records.length) {
      log(`${s.name}: ${s.records.length - records.length} of ${s.records.length} train record(s) skipped: no prompt text and no stored feature vector of layout ${layoutId}`);
    }
    return { ...s, records };
  });
  return { ...corpus, sources };
}

export async function prepareTrainingData(options: PrepareOptions): Promise<Prepared> {
  const log = options.log ?? (() => {});
  const loaded = await loadTrainingCorpus(options.dataDir, options.sources, options.extraSources ?? []);
  const pair = options.pair ?? mostCommonPair(loaded.sources.flatMap((s) => s.records));
  const pairs = options.pairs ?? {};
  const inner = await createEmbedder(options.embedderSpec);
  const embedder = await createDiskCachedEmbedder(inner, options.cacheDir ?? join(options.dataDir, 'cache'));
  try {
    const extractor = await createFeatureExtractor(embedder, { ...(options.groups ?? ALL_GROUPS), cacheSize: 0 });
    const layoutId = featureLayoutId(extractor.layout);
    const corpus = usableOnly(loaded, layoutId, extractor.layout.size, log);
    const examples = buildExamples(corpus.sources, pair, pairs);
    const x = await featurizeRecords(extractor, layoutId, examples.map((e) => e.record), {
      label: `features (${embedder.id}, ${examples.length} train prompts)`,
      progress: options.progress ?? true,
    });
    await embedder.flush();
    return {
      data: { x, layout: extractor.layout, examples },
      corpus,
      embedderSpec: options.embedderSpec,
      embedder,
      extractor,
      pair,
      pairs,
      layoutId,
      close: () => embedder.close(),
    };
  } catch (error) {
    await embedder.close();
    throw error;
  }
}

/** Small hyper-parameter grids searched by CV when tuning is on. */
export function hyperParameterGrid(base: Variant): Variant[] {
  if (base.trainer === 'mf') return [4, 8, 16].map((rank) => ({ ...base, mf: { ...base.mf, rank } }));
  if (base.trainer === 'logistic') {
    return [1e-4, 1e-3, 1e-2, 1e-1].map((l2) => ({ ...base, logistic: { ...base.logistic, l2 } }));
  }
  return [
    { hidden: 16, dropout: 0.1, weightDecay: 1e-4 },
    { hidden: 32, dropout: 0.2, weightDecay: 1e-3 },
    { hidden: 64, dropout: 0.3, weightDecay: 1e-3 },
  ].map((hp) => ({ ...base, mlp: { ...base.mlp, ...hp } }));
}

export interface TuneResult {
  best: Variant;
  bestScore: VariantScore;
  tried: { id: string; score: VariantScore }[];
}

/** Picks the candidate with the highest selection score (CV + transfer on train splits). */
export function tuneByCv(data: PreparedData, candidates: readonly Variant[], k: number, log: (line: string) => void = () => {}): TuneResult {
  const tried: TuneResult['tried'] = [];
  let best: { variant: Variant; score: VariantScore } | undefined;
  for (const candidate of candidates) {
    const score = scoreVariant(data, candidate, k);
    const id = variantId(candidate);
    tried.push({ id, score });
    const cv = Object.entries(score.cv.perSource).map(([s, m]) => `${s} ${m.apgr.toFixed(3)}`).join(', ');
    const transfer = Object.entries(score.transfer).map(([s, m]) => `${s} ${m.apgr.toFixed(3)}`).join(', ');
    const multi = Object.entries(score.multiPair).map(([s, m]) => `${s} ${m.apgr.toFixed(3)}`).join(', ');
    log(`${id}: selection ${score.selection.toFixed(3)} (cv ${cv}; transfer ${transfer}; multi-pair ${multi || 'n/a'})`);
    if (!best || score.selection > best.score.selection) best = { variant: candidate, score };
  }
  if (!best) throw new Error('no candidate variants');
  return { best: best.variant, bestScore: best.score, tried };
}

export interface HeldOutMetrics extends SourceMetrics {
  note?: string;
}

/** APGR/AUC of a trained model on the test split of each source (MT-Bench: report only). */
export async function heldOutMetrics(prepared: Prepared, model: ScorerModel, variant: Variant, sources: readonly string[]): Promise<Record<string, HeldOutMetrics>> {
  const columns = variantColumns(prepared.data.layout, variant);
  const out: Record<string, HeldOutMetrics> = {};
  for (const source of sources) {
    const pair = prepared.pairs[source] ?? prepared.pair;
    const size = prepared.extractor.layout.size;
    const test = (prepared.corpus.testBySource.get(source) ?? []).filter(
      (r: LabelledRecord) => r.scores[pair.strong] !== undefined && r.scores[pair.weak] !== undefined && hasUsableInput(r, prepared.layoutId, size),
    );
    if (test.length === 0) continue;
    const x = await featurizeRecords(prepared.extractor, prepared.layoutId, test, { label: `features (${source} test)`, progress: false });
    const scores = forwardMatrix(model, columns.length === x.cols ? x : selectColumns(x, columns));
    const qualities = {
      strong: Float64Array.from(test, (r) => r.scores[pair.strong] ?? 0),
      weak: Float64Array.from(test, (r) => r.scores[pair.weak] ?? 0),
    };
    const m = evaluateScores(scores, qualities);
    out[source] = { apgr: m.apgr, auc: m.auc, records: test.length, ...(source === MT_BENCH_SOURCE ? { note: 'report only, never used for selection' } : {}) };
  }
  await prepared.embedder.flush();
  return out;
}

export interface TrainOptions {
  name: string;
  modelsDir: string;
  /** Write here instead of <modelsDir>/<name> (meta.json still says `name`). */
  modelDir?: string;
  /** The version meta.json records (default: one above the folder's current one, else 1). */
  version?: number;
  variant: Variant;
  /** Folds for CV (0 or 1: no CV, no tuning). */
  cvFolds: number;
  tune: boolean;
  description?: string;
  log?: (line: string) => void;
  /**
   * The sign guard (default on): structural features whose effect on the label flips sign
   * credibly between training sources are dropped from the variant before tuning.
   */
  signGuard?: boolean;
}

export interface TrainResult {
  modelDir: string;
  variant: Variant;
  score?: VariantScore;
  heldOut: Record<string, HeldOutMetrics>;
  version: number;
}

function metricsRecord(m: Record<string, SourceMetrics | HeldOutMetrics>): Record<string, Record<string, number | string>> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, { ...v, apgr: round4(v.apgr), auc: round4(v.auc) }]));
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

export async function trainAndExport(prepared: Prepared, options: TrainOptions): Promise<TrainResult> {
  const log = options.log ?? (() => {});
  const { data } = prepared;
  const guard = options.signGuard === false ? undefined : guardBySignCheck(data, options.variant);
  if (guard && guard.dropped.length > 0) log(`sign guard: dropping ${guard.dropped.join(', ')} (effect flips sign between sources: ${describeFlips(guard.flips).join('; ')})`);
  let variant = guard?.variant ?? options.variant;
  let score: VariantScore | undefined;
  if (options.cvFolds >= 2) {
    const tuned = tuneByCv(data, options.tune ? hyperParameterGrid(variant) : [variant], options.cvFolds, log);
    variant = tuned.best;
    score = tuned.bestScore;
  }
  const inputs = variantInputs(data, variant);
  const trained = fitVariant(data, inputs, variant, data.examples.map((_, i) => i));

  // The runtime rebuilds the extractor with only the chosen groups; its layout is what meta stores.
  const extractor = await createFeatureExtractor(prepared.embedder, { ...variant.groups });
  // Dropped features: widen the model to the groups' layout with weight 0 on them.
  const groupCols = groupColumns(data.layout, variant.groups);
  const kept = variantColumns(data.layout, variant).map((c) => groupCols.indexOf(c));
  const model = expandModel(trained, kept, groupCols.length);
  if (extractor.layout.size !== model.inputDim) {
    throw new Error(`feature layout for groups has ${extractor.layout.size} features, the model ${model.inputDim}`);
  }
  // Reference quantiles of the exported model's raw score over every training prompt, each source
  // weighing the same, so the runtime can report a prompt's rank (a threshold then reads as a share).
  const referenceScores = forwardMatrix(model, selectColumns(data.x, groupCols));
  const referenceWeights = sampleWeights(data.examples, 'sources');
  const calibration = {
    method: 'reference-quantiles' as const,
    quantiles: weightedQuantiles(referenceScores, referenceWeights, 101).map((q) => Math.round(q * 1e7) / 1e7),
    reference: `raw scores of the ${data.examples.length} training prompts (${prepared.corpus.sources.map((s) => s.name).join(', ')}), each source weighing the same`,
  };
  const heldOut = await heldOutMetrics(prepared, trained, variant, [...prepared.corpus.sources.map((s) => s.name), MT_BENCH_SOURCE]);
  const definition = getLabelDefinition(variant.label);
  const modelDir = options.modelDir ? resolve(options.modelDir) : resolve(options.modelsDir, options.name);
  const hyperParameters: Record<string, unknown> = {
    ...(variant.trainer === 'logistic' ? variant.logistic : variant.trainer === 'mlp' ? variant.mlp : variant.mf),
    variant: variantId(variant),
    weighting: variant.weighting,
    sourceWeights: variant.sourceWeights ?? {},
    groups: variant.groups,
    dropFeatures: variant.dropFeatures ?? [],
    multiPairLabels: variant.multiPairLabels ?? false,
    sourceOffsets: variant.sourceOffsets ?? false,
    cvFolds: options.cvFolds,
    signGuard: guard ? { dropped: guard.dropped, flipping: guard.flips.map((f) => f.feature) } : 'off',
  };
  const meta = await writeModelFolder(modelDir, model, {
    name: options.name,
    calibration,
    ...(options.description ? { description: options.description } : {}),
    embedder: { spec: prepared.embedderSpec, id: prepared.embedder.id, dim: prepared.embedder.dim },
    features: { groups: { ...variant.groups }, layout: extractor.layout as unknown as ModelMeta['features']['layout'] },
    model: { kind: model.kind, trainer: variant.trainer, hyperParameters },
    label: { definition: definition.name, description: definition.description, strong: prepared.pair.strong, weak: prepared.pair.weak },
    training: {
      sources: prepared.corpus.sources.map((s) => ({
        name: s.name,
        file: `${s.name}.jsonl`,
        sha256: s.sha256,
        records: data.examples.filter((e) => e.source === s.name).length,
        weight: variant.sourceWeights?.[s.name] ?? 1,
      })),
      sourceWeighting: variant.weighting,
      selection: SELECTION_NOTE,
      records: data.examples.length,
    },
    metrics: {
      ...(score
        ? {
            cv: {
              ...metricsRecord(score.cv.perSource),
              ...Object.fromEntries(Object.entries(score.unseenGroups).map(([s, m]) => [`${s} unseen groups`, { apgr: round4(m.apgr), auc: round4(m.auc), records: m.records }])),
              ...Object.fromEntries(Object.entries(score.multiPair).map(([s, m]) => [`${s} multi-pair`, { apgr: round4(m.apgr), pairs: m.pairs }])),
              mean: { apgr: round4(score.cv.meanApgr) },
              selection: { apgr: round4(score.selection) },
            },
          }
        : {}),
      ...(score ? { transfer: metricsRecord(score.transfer) } : {}),
      heldOut: metricsRecord(heldOut),
      note: `cv: ${options.cvFolds}-fold CV on train splits, folds by prompt as the test splits (out-of-fold APGR per source); '<source> unseen groups': folds by subject (MMLU), not used for selection; transfer: trained on the other sources, scored on this one (train splits); multi-pair: open-chat proxy, mean APGR over arena-bench model pairs with mean-score gap >= 1.5 (out-of-fold); selection = mean of cv, transfer and multi-pair APGRs; heldOut: test splits, reported after the fact; mt-bench report only, never used for selection`,
    },
  }, options.version);
  return { modelDir, variant, ...(score ? { score } : {}), heldOut, version: meta.version };
}
