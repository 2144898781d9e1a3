// The experiment grid behind `triage train --experiments`: for each embedder, cross-validates
// variants (label definitions, source weights, feature-group ablations, trainers) on TRAINING
// splits only and writes a table to <out>/experiments.md. Two figures per source: within-source
// CV (grouped out-of-fold APGR) and transfer (trained on the other sources only). The selection
// score is the mean of both over all sources: open chat is a distribution none of the training
// sets matches, so a variant must also transfer. MT-Bench is not read here.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { scoreVariant, type SourceMetrics } from './cv.ts';
import { prepareTrainingData } from './pipeline.ts';
import { variantId, type Variant } from './variant.ts';

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

function cell(m: SourceMetrics | undefined): string {
  return m ? m.apgr.toFixed(3) : '—';
}

export function experimentsMarkdown(rows: readonly ExperimentRow[], sources: readonly string[], command: string, folds: number): string {
  const short = (s: string) => s.replace('routellm-', '');
  const header = ['embedder', 'variant (trainer hp / label / weighting / groups)', ...sources.map((s) => `CV ${short(s)}`), ...sources.map((s) => `transfer ${short(s)}`), 'arena multi-pair', 'selection', 'time'];
  const lines = [
    '# Scorer experiments (training splits only)',
    '',
    `Command: \`${command}\``,
    '',
    `APGR of out-of-fold predictions, ${folds}-fold grouped cross-validation on the TRAIN splits (MMLU folds by subject, other sets by prompt). ` +
      '"transfer" = trained on the other sources only, scored on this one. "arena multi-pair" = open-chat proxy: mean APGR of the out-of-fold arena-bench ' +
      'predictions over the ~75 pairs of its 16 models whose mean judge scores differ by >= 1.5 (far less label noise than the one GPT-4/Mixtral pair). ' +
      '"selection" = mean of all CV, transfer and multi-pair figures. ' +
      'Random routing gives 0.5 in expectation; arena-bench has ~216 train prompts, so its figures move by about ±0.05 between equivalent variants. ' +
      'MT-Bench and every test split are never read here.',
    '',
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${[r.embedder, r.variant.replace(/ \| /g, ' / '), ...sources.map((s) => cell(r.cv[s])), ...sources.map((s) => cell(r.transfer[s])), r.multiPair === undefined ? '—' : r.multiPair.toFixed(3), r.selection.toFixed(3), `${r.seconds.toFixed(0)}s`].join(' | ')} |`),
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
      for (const variant of grid(index)) {
        const started = Date.now();
        const score = scoreVariant(prepared.data, variant, options.folds);
        const row: ExperimentRow = {
          embedder: prepared.embedder.id,
          variant: variantId(variant),
          cv: score.cv.perSource,
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
