// The experiment grid behind `triage train --experiments`: for each embedder, cross-validates
// variants (label definitions, source weights, feature-group ablations, trainers) on TRAINING
// splits only and writes a table to <out>/experiments.md. Figures per source: within-source CV
// (out-of-fold APGR, folds by prompt as the test splits; MMLU also by subject, reported apart) and
// transfer (trained on the other sources only), plus the arena multi-pair open-chat proxy. The
// selection score is the mean of CV, transfer and multi-pair: open chat is a distribution none of
// the training sets matches, so a variant must also transfer. MT-Bench is not read here.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { scoreVariant, type SourceMetrics } from './cv.ts';
import { prepareTrainingData } from './pipeline.ts';
import { guardBySignCheck, type FeatureEffect } from './sign-check.ts';
import { LENGTH_FEATURES, variantId, type Variant } from './variant.ts';

export interface ExperimentOptions {
  dataDir: string;
  sources: readonly string[];
  embedders: readonly string[];
  folds: number;
  outDir: string;
  command: string;
  log: (line: string) => void;
  progress: boolean;
  /** Variants per embedder; default: the full grid for the first embedder, the core grid for others. */
  grid?: (embedderIndex: number) => Variant[];
}

export interface ExperimentRow {
  embedder: string;
  variant: string;
  cv: Record<string, SourceMetrics>;
  /** Folds by subject (MMLU): generalisation to unseen subjects; not in the selection score. */
  unseenGroups: Record<string, SourceMetrics>;
  transfer: Record<string, SourceMetrics>;
  multiPair?: number;
  selection: number;
  seconds: number;
}

const ARENA_OFF = { 'arena-bench': 0 };
const ALL: Variant['groups'] = { embedding: true, structural: true, taskTypes: true };
const GAP: Variant = { trainer: 'logistic', logistic: { l2: 1e-3 }, label: 'gap', weighting: 'sources', groups: ALL };
const STRUCTURAL = { embedding: false, structural: true, taskTypes: false };
const TASK_TYPES = { embedding: false, structural: false, taskTypes: true };
const NO_EMBEDDING = { embedding: false, structural: true, taskTypes: true };

export function coreGrid(): Variant[] {
  return [
    { ...GAP, label: 'strict' },
    GAP,
    { ...GAP, sourceWeights: ARENA_OFF },
    { ...GAP, groups: NO_EMBEDDING },
    { ...GAP, sourceWeights: ARENA_OFF, groups: NO_EMBEDDING },
    { ...GAP, groups: TASK_TYPES },
    { ...GAP, sourceWeights: ARENA_OFF, trainer: 'mlp', mlp: { hidden: 32, dropout: 0.2, weightDecay: 1e-3 } },
    { ...GAP, groups: NO_EMBEDDING, trainer: 'mf', mf: { rank: 4, otherPairsWeight: 1 } },
  ];
}

export function fullGrid(): Variant[] {
  return [
    ...coreGrid(),
    { ...GAP, label: 'soft-ties' },
    { ...GAP, label: 'hard-is-strong' },
    { ...GAP, label: 'gap-sharp' },
    { ...GAP, weighting: 'records' },
    { ...GAP, weighting: 'records', sourceWeights: ARENA_OFF },
    { ...GAP, sourceWeights: { 'arena-bench': 0.3 } },
    { ...GAP, sourceWeights: { 'arena-bench': 3 } },
    { ...GAP, sourceWeights: ARENA_OFF, groups: { embedding: true, structural: false, taskTypes: false } },
    { ...GAP, sourceWeights: ARENA_OFF, groups: { embedding: true, structural: true, taskTypes: false } },
    { ...GAP, sourceWeights: ARENA_OFF, groups: { embedding: true, structural: false, taskTypes: true } },
    { ...GAP, sourceWeights: ARENA_OFF, groups: TASK_TYPES },
    { ...GAP, sourceWeights: { 'arena-bench': 3 }, groups: NO_EMBEDDING },
    { ...GAP, sourceWeights: ARENA_OFF, groups: STRUCTURAL },
    { ...GAP, groups: STRUCTURAL },
    { ...GAP, sourceWeights: ARENA_OFF, groups: STRUCTURAL, label: 'strict' },
    { ...GAP, sourceWeights: ARENA_OFF, groups: NO_EMBEDDING, trainer: 'mlp', mlp: { hidden: 16, dropout: 0.1, weightDecay: 1e-3 } },
    { ...GAP, trainer: 'mf', mf: { rank: 8, otherPairsWeight: 1 } },
    { ...GAP, groups: NO_EMBEDDING, trainer: 'mf', mf: { rank: 4, otherPairsWeight: 10 } },
  ];
}

/**
 * The open-chat transfer grid: which structural features to trust (task cues vs length/form),
 * label-free task-type similarities, and arena-bench's 16-model labels as extra training signal.
 */
export function transferGrid(): Variant[] {
  const base: Variant = { ...GAP, sourceWeights: ARENA_OFF, groups: STRUCTURAL };
  const noLength = { dropFeatures: LENGTH_FEATURES };
  const multi = (weight: number): Partial<Variant> => ({ multiPairLabels: true, sourceWeights: { 'arena-bench': weight } });
  return [
    base,
    { ...base, ...noLength },
    { ...base, groups: NO_EMBEDDING },
    { ...base, groups: NO_EMBEDDING, ...noLength },
    { ...base, groups: TASK_TYPES },
    { ...base, ...multi(1) },
    { ...base, ...multi(1), ...noLength },
    { ...base, groups: NO_EMBEDDING, ...multi(0.3) },
    { ...base, groups: NO_EMBEDDING, ...multi(1) },
    { ...base, groups: NO_EMBEDDING, ...multi(1), ...noLength },
    { ...base, groups: NO_EMBEDDING, ...multi(3), ...noLength },
    { ...base, groups: TASK_TYPES, ...multi(1) },
    { ...base, groups: ALL },
    { ...base, groups: ALL, ...multi(1) },
    { ...base, weighting: 'records', groups: NO_EMBEDDING, ...multi(1), ...noLength },
    { ...GAP, groups: NO_EMBEDDING, trainer: 'mf', mf: { rank: 4, otherPairsWeight: 1 } },
    { ...base, sourceOffsets: true },
    { ...base, groups: NO_EMBEDDING, sourceOffsets: true },
    { ...base, groups: ALL, sourceOffsets: true },
    { ...base, groups: NO_EMBEDDING, ...multi(1), sourceOffsets: true },
  ];
}

function cell(m: SourceMetrics | undefined): string {
  return m ? m.apgr.toFixed(3) : '—';
}

export function experimentsMarkdown(rows: readonly ExperimentRow[], sources: readonly string[], command: string, folds: number): string {
  const short = (s: string) => s.replace('routellm-', '');
  const grouped = [...new Set(rows.flatMap((r) => Object.keys(r.unseenGroups)))];
  const header = [
    'embedder', 'variant (trainer hp / label / weighting / groups)', ...sources.map((s) => `CV ${short(s)}`), ...sources.map((s) => `transfer ${short(s)}`),
    'arena multi-pair', 'selection', ...grouped.map((s) => `CV ${short(s)} unseen subjects (not in selection)`), 'time',
  ];
  const lines = [
    '# Scorer experiments (training splits only)',
    '',
    `Command: \`${command}\``,
    '',
    `APGR of out-of-fold predictions, ${folds}-fold cross-validation on the TRAIN splits with folds by prompt, the protocol of every test split ` +
      '(MMLU, GSM8K and arena-bench are all split by a fixed prompt hash; MMLU within every subject, as RouteLLM trained on MMLU-validation labels of the same subjects). ' +
      '"unseen subjects" = the same CV with MMLU folds by subject (generalisation to subjects never trained on); reported, not part of the selection score. ' +
      '"transfer" = trained on the other sources only, scored on this one. "arena multi-pair" = open-chat proxy: mean APGR of the out-of-fold arena-bench ' +
      'predictions over the ~75 pairs of its 16 models whose mean judge scores differ by >= 1.5 (far less label noise than the one GPT-4/Mixtral pair). ' +
      '"selection" = mean of the per-source CV (by prompt), transfer and multi-pair figures; the highest selection wins. ' +
      'Variant names: "+offsets" = a per-source intercept fitted in training and dropped afterwards (features explain differences within sources, not base rates); "+multipair" = arena-bench records labelled by the mean label over its clearly separated model pairs; "-length" = structural length/form features ' +
      `(${LENGTH_FEATURES.join(', ')}) left out. ` +
      'Random routing gives 0.5 in expectation; arena-bench has ~216 train prompts, so its figures move by about ±0.05 between equivalent variants. ' +
      'MT-Bench and every test split are never read here.',
    '',
    'Selection rule change (2026-11-28): the MMLU split moved from 7 held-out subjects to a prompt hash within every subject (RouteLLM\'s protocol), so the ' +
      'selection score now uses CV with folds by prompt for every source (it used MMLU folds by subject before); the subject-grouped figure is kept as its own column ' +
      'and is no longer part of the selection score. Ties within about 0.01 of selection are noise; among them the variant with the fewest inputs (fastest at decision time) is preferred.',
    '',
    'Sign guard (2026-12-02): before a variant is scored, every structural feature whose effect on the label (correlation, 95% bootstrap interval, train splits) is credibly positive in one ' +
      'source and credibly negative in another (arena-bench multi-pair labels count as a source) is dropped from it; variants that become equal are scored once. ' +
      'The measured effects and the flipping features are in sign-check.md (`node --import tsx scripts/sign-check.ts`).',
    '',
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${[r.embedder, r.variant.replace(/ \| /g, ' / '), ...sources.map((s) => cell(r.cv[s])), ...sources.map((s) => cell(r.transfer[s])), r.multiPair === undefined ? '—' : r.multiPair.toFixed(3), r.selection.toFixed(3), ...grouped.map((s) => cell(r.unseenGroups[s])), `${r.seconds.toFixed(0)}s`].join(' | ')} |`),
    '',
  ];
  return lines.join('\n');
}

export async function runExperiments(options: ExperimentOptions): Promise<ExperimentRow[]> {
  const rows: ExperimentRow[] = [];
  const grid = options.grid ?? ((i: number) => (i === 0 ? fullGrid() : coreGrid()));
  await mkdir(options.outDir, { recursive: true });
  const file = join(options.outDir, 'experiments.md');
  for (const [index, embedderSpec] of options.embedders.entries()) {
    const prepared = await prepareTrainingData({ dataDir: options.dataDir, sources: options.sources, embedderSpec, progress: options.progress });
    try {
      // The sign guard: each variant leaves out the structural features whose effect flips sign
      // credibly between sources; variants that become equal are scored once.
      const effectsCache = new Map<string, FeatureEffect[]>();
      const seen = new Set<string>();
      for (const unguarded of grid(index)) {
        const { variant, dropped } = guardBySignCheck(prepared.data, unguarded, { effectsCache });
        if (dropped.length > 0) options.log(`sign guard: ${variantId(unguarded)} drops ${dropped.join(', ')}`);
        if (seen.has(variantId(variant))) continue;
        seen.add(variantId(variant));
        const started = Date.now();
        const score = scoreVariant(prepared.data, variant, options.folds);
        const row: ExperimentRow = {
          embedder: prepared.embedder.id,
          variant: variantId(variant),
          cv: score.cv.perSource,
          unseenGroups: score.unseenGroups,
          transfer: score.transfer,
          ...(score.multiPair['arena-bench'] ? { multiPair: score.multiPair['arena-bench'].apgr } : {}),
          selection: score.selection,
          seconds: (Date.now() - started) / 1000,
        };
        rows.push(row);
        options.log(`${row.embedder} ${row.variant}: selection ${row.selection.toFixed(3)} (${row.seconds.toFixed(0)}s)`);
        // Written after every variant so a long run leaves partial results.
        await writeFile(file, experimentsMarkdown(rows, options.sources, options.command, options.folds), 'utf8');
      }
    } finally {
      await prepared.close();
    }
  }
  process.stdout.write(`${experimentsMarkdown(rows, options.sources, options.command, options.folds)}\nwrote ${file}\n`);
  return rows;
}
