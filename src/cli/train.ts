// `triage train`: trains a learned scorer on the train splits of the labelled data (embeddings
// cached on disk), picks hyper-parameters by grouped cross-validation, and writes
// models/<name>/scorer.onnx + meta.json. `--experiments` runs the comparison grid instead.

import { basename, dirname, resolve } from 'node:path';
import { processEnv } from '../config/env.ts';
import { loadConfig } from '../config/load.ts';
import { loadTrainingCorpus } from '../training/dataset.ts';
import type { PairModels } from '../training/examples.ts';
import { resolvePair } from '../training/pair.ts';
import { chooseModelDir, chooseReportDir } from './output-paths.ts';
import { parseArgs } from 'node:util';
import { DEFAULT_EMBEDDER_SPEC } from '../embedding/registry.ts';
import { DEFAULT_MODELS_DIR, DEFAULT_SCORER_MODEL } from '../scoring/learned.ts';
import { LABEL_DEFINITIONS } from '../training/labels.ts';
import { DEFAULT_TRAINING_SOURCES, prepareTrainingData, trainAndExport } from '../training/pipeline.ts';
import { DEFAULT_VARIANT, variantId, type Variant } from '../training/variant.ts';
import { coreGrid, fullGrid, runExperiments, transferGrid } from '../training/experiments.ts';
import { UsageError } from './usage-error.ts';

export const help = `Usage: triage train [options]

Trains a difficulty scorer (P(weak model falls short of strong)) on the TRAIN splits of
<data-dir>/<source>.jsonl (see \`triage data fetch\`) and writes <models-dir>/<name>/scorer.onnx
and meta.json. Test splits and MT-Bench never enter training or model selection; every training
prompt is checked against every test prompt by hash. Embeddings are cached in
<data-dir>/cache/<embedder-id>/ so a re-train is fast.

  --embedder SPEC       embedder spec (default ${DEFAULT_EMBEDDER_SPEC}; also use-lite, hashed-ngrams[:dim], ...)
  --model KIND          logistic | mlp | mf (matrix factorisation over every model a record scores) (default ${DEFAULT_VARIANT.trainer})
  --sources LIST        training sources (default ${DEFAULT_TRAINING_SOURCES.join(',')})
  --strong MODEL        strong model of the pair (either spelling: Arena's or the hub id)
  --weak MODEL          weak model of the pair. Default: with --config/--router, the router's
                        strong and weak model ids; else the pair the labels score together most
                        often (the one with the higher mean is the strong one). A source with no
                        record scoring both is an error.
  --config FILE         take the pair from this config's router (see --router)
  --router NAME         the router whose models are the pair (default: the config's default router)
  --name NAME           model folder name (default ${DEFAULT_SCORER_MODEL}; when that folder already
                        holds a model, e.g. the shipped one, a new folder <name>-v<N> is written)
  --force               replace an existing model folder (or experiments.md) in place
  --models-dir DIR      where model folders go (default: the project's models/)
  --data-dir DIR        labelled JSONL folder (default training-data)
  --cv K                grouped K-fold cross-validation for tuning and reporting (default 5; 0 = none)
  --no-tune             keep the given hyper-parameters (CV still reports them)
  --label NAME          label definition: ${Object.keys(LABEL_DEFINITIONS).join(' | ')} (default ${DEFAULT_VARIANT.label})
  --weighting MODE      sources (each source weighs the same before --source-weights) | records (default ${DEFAULT_VARIANT.weighting})
  --source-weights L    e.g. arena-bench=0.3,routellm-gsm8k=2 (default ${Object.entries(DEFAULT_VARIANT.sourceWeights ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || 'none'};
                        a source with weight 0 is loaded and reported but not learned from)
  --groups LIST         feature groups: all, or a subset of embedding,structural,taskTypes (default ${describeDefaultGroups()})
  --source-offsets      logistic: fit a per-source intercept in training, drop it from the model
                        (features then explain differences within sources, not base rates)
                        (default ${DEFAULT_VARIANT.sourceOffsets ? 'on' : 'off'}; --no-source-offsets turns it off)
  --drop-features LIST  structural features to leave out (weight 0 in the exported model)
  --no-sign-guard       keep structural features whose effect on the label flips sign between
                        training sources (by default they are dropped: docs/eval/sign-check.md)
  --multi-pair-labels   label multi-model sources (arena-bench) by the mean label over their
                        clearly separated model pairs
  --l2 X                logistic L2 penalty          --hidden N   MLP hidden units
  --dropout X           MLP dropout                  --seed N     MLP / MF seed
  --rank N              MF rank
  --experiments         run the experiment grid (CV per variant, all embedders given by --embedders)
                        and write <out>/experiments.md instead of training one model
  --embedders LIST      embedders for --experiments (default glove-100d,hashed-ngrams,use-lite)
  --grid NAME           variants for --experiments: full (full grid for the first embedder, core
                        grid for the others) | transfer (open-chat transfer grid, every embedder)
                        (default full)
  --out DIR             folder for --experiments output (default docs/eval)
  --quiet               no progress output
`;

function parseSourceWeights(text: string | undefined): Record<string, number> | undefined {
  if (!text) return undefined;
  const out: Record<string, number> = {};
  for (const part of text.split(',')) {
    const [name, value] = part.split('=');
    const weight = Number(value);
    if (!name || !Number.isFinite(weight) || weight < 0) throw new UsageError(`--source-weights: bad entry "${part}" (want name=number)`);
    out[name.trim()] = weight;
  }
  return out;
}

function describeDefaultGroups(): string {
  const g = DEFAULT_VARIANT.groups;
  return (['embedding', 'structural', 'taskTypes'] as const).filter((k) => g[k]).join(',');
}

function parseGroups(text: string | undefined): Variant['groups'] {
  if (!text) return { ...DEFAULT_VARIANT.groups };
  if (text === 'all') return { embedding: true, structural: true, taskTypes: true };
  const names = new Set(text.split(',').map((s) => s.trim()));
  for (const n of names) if (!['embedding', 'structural', 'taskTypes'].includes(n)) throw new UsageError(`--groups: unknown group "${n}"`);
  return { embedding: names.has('embedding'), structural: names.has('structural'), taskTypes: names.has('taskTypes') };
}

function numberFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number`);
  return n;
}

/** The pair to train: --strong/--weak, else the config router's model ids, else the labels' most common pair. */
async function trainingPair(
  dataDir: string,
  sources: readonly string[],
  values: { strong?: string; weak?: string; config?: string; router?: string },
): Promise<PairModels | undefined> {
  let given: { strong?: string; weak?: string } = { ...(values.strong ? { strong: values.strong } : {}), ...(values.weak ? { weak: values.weak } : {}) };
  if ((!given.strong || !given.weak) && (values.config || values.router)) {
    const { config } = loadConfig({ ...(values.config ? { file: values.config } : {}), env: processEnv() });
    const routerName = values.router ?? config.defaultRouter;
    const router = config.routers[routerName];
    if (!router) throw new UsageError(`--router: no router "${routerName}" in the config`);
    given = { strong: given.strong ?? config.models[router.strong]?.id ?? router.strong, weak: given.weak ?? config.models[router.weak]?.id ?? router.weak };
  }
  if (!given.strong && !given.weak) return undefined;
  const corpus = await loadTrainingCorpus(dataDir, sources);
  return resolvePair(corpus.sources.flatMap((s) => s.records), given);
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      embedder: { type: 'string', default: DEFAULT_EMBEDDER_SPEC },
      model: { type: 'string', default: DEFAULT_VARIANT.trainer },
      sources: { type: 'string', default: DEFAULT_TRAINING_SOURCES.join(',') },
      name: { type: 'string' },
      strong: { type: 'string' },
      weak: { type: 'string' },
      config: { type: 'string' },
      router: { type: 'string' },
      force: { type: 'boolean', default: false },
      'models-dir': { type: 'string' },
      'data-dir': { type: 'string', default: 'training-data' },
      cv: { type: 'string', default: '5' },
      'no-tune': { type: 'boolean', default: false },
      label: { type: 'string', default: DEFAULT_VARIANT.label },
      weighting: { type: 'string', default: DEFAULT_VARIANT.weighting },
      'source-weights': { type: 'string' },
      groups: { type: 'string' },
      'source-offsets': { type: 'boolean' },
      'no-source-offsets': { type: 'boolean', default: false },
      'drop-features': { type: 'string' },
      'no-sign-guard': { type: 'boolean', default: false },
      'multi-pair-labels': { type: 'boolean' },
      l2: { type: 'string' },
      hidden: { type: 'string' },
      dropout: { type: 'string' },
      seed: { type: 'string' },
      rank: { type: 'string' },
      experiments: { type: 'boolean', default: false },
      embedders: { type: 'string', default: 'glove-100d,hashed-ngrams,use-lite' },
      out: { type: 'string' },
      grid: { type: 'string', default: 'full' },
      quiet: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  const log = values.quiet ? () => {} : (line: string) => process.stderr.write(`${line}\n`);
  const sources = values.sources.split(',').map((s) => s.trim()).filter(Boolean);
  const dataDir = resolve(values['data-dir']);
  const folds = Number(values.cv);
  if (!Number.isInteger(folds) || folds < 0 || folds === 1) throw new UsageError('--cv must be 0 or an integer >= 2');

  if (values.experiments) {
    if (values.grid !== 'full' && values.grid !== 'transfer') throw new UsageError('--grid must be full or transfer');
    const grid = values.grid === 'transfer' ? () => transferGrid() : (i: number) => (i === 0 ? fullGrid() : coreGrid());
    await runExperiments({
      grid,
      dataDir,
      sources,
      embedders: values.embedders.split(',').map((s) => s.trim()).filter(Boolean),
      folds: folds || 5,
      outDir: chooseReportDir(values.out ?? 'docs/eval', 'experiments.md', { explicit: values.out !== undefined, force: values.force, kind: 'experiments' }).dir,
      command: `triage train ${args.join(' ')}`.trim(),
      log,
      progress: !values.quiet,
    });
    return 0;
  }

  if (values.model !== 'logistic' && values.model !== 'mlp' && values.model !== 'mf') throw new UsageError('--model must be logistic, mlp or mf');
  if (!(values.label in LABEL_DEFINITIONS)) throw new UsageError(`--label must be one of ${Object.keys(LABEL_DEFINITIONS).join(', ')}`);
  if (values.weighting !== 'sources' && values.weighting !== 'records') throw new UsageError('--weighting must be sources or records');
  const l2 = numberFlag(values.l2, 'l2');
  const hidden = numberFlag(values.hidden, 'hidden');
  const dropout = numberFlag(values.dropout, 'dropout');
  const seed = numberFlag(values.seed, 'seed');
  const rank = numberFlag(values.rank, 'rank');
  const sourceWeights = parseSourceWeights(values['source-weights']) ?? DEFAULT_VARIANT.sourceWeights;
  const sourceOffsets = values.model === 'logistic' && !values['no-source-offsets'] && (values['source-offsets'] ?? DEFAULT_VARIANT.sourceOffsets ?? false);
  const dropFeatures = values['drop-features'] !== undefined
    ? values['drop-features'].split(',').map((f) => f.trim()).filter(Boolean)
    : [...(DEFAULT_VARIANT.dropFeatures ?? [])];
  const multiPairLabels = values['multi-pair-labels'] ?? DEFAULT_VARIANT.multiPairLabels ?? false;
  const variant: Variant = {
    trainer: values.model,
    ...(values.model === 'logistic'
      ? { logistic: { ...DEFAULT_VARIANT.logistic, ...(l2 !== undefined ? { l2 } : {}) } }
      : values.model === 'mlp'
        ? { mlp: { ...(hidden !== undefined ? { hidden } : {}), ...(dropout !== undefined ? { dropout } : {}), ...(seed !== undefined ? { seed } : {}) } }
        : { mf: { ...(rank !== undefined ? { rank } : {}), ...(seed !== undefined ? { seed } : {}), ...(l2 !== undefined ? { l2 } : {}) } }),
    label: values.label,
    weighting: values.weighting,
    ...(sourceWeights ? { sourceWeights: { ...sourceWeights } } : {}),
    groups: parseGroups(values.groups),
    ...(sourceOffsets ? { sourceOffsets: true } : {}),
    ...(dropFeatures.length > 0 ? { dropFeatures } : {}),
    ...(multiPairLabels ? { multiPairLabels: true } : {}),
  };

  const started = Date.now();
  const name = values.name ?? DEFAULT_SCORER_MODEL;
  const output = chooseModelDir(resolve(values['models-dir'] ?? DEFAULT_MODELS_DIR), name, { explicit: values.name !== undefined, force: values.force });
  const pair = await trainingPair(dataDir, sources, values);
  // Only the variant's feature groups are extracted, so stored feature vectors of that layout
  // (records exported from the decision log) can stand in for prompt text.
  const prepared = await prepareTrainingData({ dataDir, sources, embedderSpec: values.embedder, progress: !values.quiet, pair, groups: variant.groups, log });
  try {
    log(`training ${prepared.pair.strong} (strong) vs ${prepared.pair.weak} (weak) on ${prepared.data.examples.length} train records (${sources.join(', ')}), ${prepared.data.layout.size} features, embedder ${prepared.embedder.id}`);
    if (output.moved) log(`${resolve(values['models-dir'] ?? DEFAULT_MODELS_DIR, name)} already holds a model: writing ${output.dir} instead (--force replaces it)`);
    const result = await trainAndExport(prepared, {
      name: basename(output.dir),
      modelsDir: dirname(output.dir),
      variant,
      cvFolds: folds,
      tune: !values['no-tune'] && folds >= 2,
      signGuard: !values['no-sign-guard'],
      log,
    });
    const lines = [
      `wrote ${result.modelDir} (version ${result.version}) in ${((Date.now() - started) / 1000).toFixed(1)}s`,
      `variant: ${variantId(result.variant)}`,
      ...(result.score
        ? [
            `cv (${folds}-fold, train splits): ${Object.entries(result.score.cv.perSource).map(([s, m]) => `${s} APGR ${m.apgr.toFixed(3)}`).join(', ')}`,
            `transfer (trained on other sources): ${Object.entries(result.score.transfer).map(([s, m]) => `${s} APGR ${m.apgr.toFixed(3)}`).join(', ')}; selection ${result.score.selection.toFixed(3)}`,
          ]
        : []),
      `held-out test splits: ${Object.entries(result.heldOut).map(([s, m]) => `${s} APGR ${m.apgr.toFixed(3)} (n=${m.records})`).join(', ')}`,
      'run `triage eval` for bootstrap intervals and curves',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await prepared.close();
  }
}
