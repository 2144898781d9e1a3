// `triage eval`: scores each benchmark's TEST split (MT-Bench's 72 decontaminated questions
// routed on turn 1; GSM8K, MMLU and arena-bench held-out splits) with each trained scorer through
// the same learned-scorer runtime the gateway uses, next to the random and oracle routers; prints
// the table and writes results.md + one SVG cost-quality curve per benchmark, with the command
// that produced them. `--data FILE --strong A --weak B` evaluates any labelled JSONL file.

import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { costQualitySvg, evaluate, fileSafeName, markdownReport, textReport, type Benchmark, type RouterUnderTest } from '../eval/index.ts';
import { createLearnedScorer, DEFAULT_MODELS_DIR, DEFAULT_SCORER_MODEL, type LearnedScorer } from '../scoring/learned.ts';
import type { LabelledRecord } from '../training/data/format.ts';
import { readRecords } from '../training/data/jsonl.ts';
import { STRONG_MODEL, WEAK_MODEL } from '../training/data/sources/source.ts';
import { chooseReportDir } from './output-paths.ts';
import { UsageError } from './usage-error.ts';

export const help = `Usage:
  triage eval [--models default,...] [--out docs/eval] [--bootstrap 1000] [--data-dir training-data]
  triage eval --data FILE.jsonl --strong MODEL --weak MODEL [--split test|train|all] [--models ...]

Scores every benchmark's test split with each trained scorer (models/<name>/), the random router
and the oracle, and reports RouteLLM's metrics — APGR, CPT(50%), CPT(80%) — with 95% bootstrap
intervals, plus ROC AUC. Benchmarks: mt-bench (72 questions, routed on turn 1, quality = mean of
both turns' judge scores), routellm-gsm8k, routellm-mmlu and arena-bench held-out splits.

  --models LIST      model folder names under --models-dir (default ${DEFAULT_SCORER_MODEL})
  --models-dir DIR   default: the project's models/
  --data-dir DIR     labelled JSONL folder (default training-data)
  --benchmarks LIST  default mt-bench,routellm-gsm8k,routellm-mmlu,arena-bench
  --out DIR          write results.md and <benchmark>.svg here (default docs/eval; when it already
                     holds results.md, e.g. the tracked one, a new reports/eval-<time>/ instead)
  --force            replace an existing results.md in --out
  --no-write         print only
  --bootstrap N      bootstrap resamples for the intervals (default 1000; 0 = none)
  --seed N           bootstrap and random-router seed (default 1)
  --data FILE        evaluate this labelled JSONL file instead (needs --strong and --weak)
  --strong MODEL     strong model name in the file's scores (default ${STRONG_MODEL} for benchmarks)
  --weak MODEL       weak model name (default ${WEAK_MODEL})
  --split S          with --data: which records to use (default all)
`;

export const DEFAULT_BENCHMARKS = ['mt-bench', 'routellm-gsm8k', 'routellm-mmlu', 'arena-bench'] as const;

/** Scores records through a learned scorer, in concurrent waves so micro-batching applies. */
export function scorerRouter(scorer: LearnedScorer, wave = 64): RouterUnderTest<LabelledRecord> {
  return {
    name: scorer.name,
    async score(records) {
      const scores = new Float64Array(records.length);
      for (let start = 0; start < records.length; start += wave) {
        const chunk = records.slice(start, start + wave);
        const results = await Promise.all(chunk.map((r) => scorer.score({ model: 'triage-eval', messages: [{ role: 'user', content: r.prompt }] })));
        results.forEach((res, i) => (scores[start + i] = res.score));
      }
      return scores;
    },
  };
}

function header(command: string, scorers: readonly LearnedScorer[]): string {
  const lines = [
    '# Router evaluation',
    '',
    `Command: \`${command}\``,
    '',
    `Generated ${new Date().toISOString()}. Every figure below was measured by this command on test splits only; ` +
      'no test prompt was used for training or model selection (MT-Bench is never trained on).',
    '',
    ...scorers.map((s) => {
      const groups = Object.entries(s.meta.features.groups).filter(([, on]) => on).map(([g]) => g).join('+');
      const sources = s.meta.training.sources.map((x) => `${x.name} (${x.records} prompts${x.weight !== 1 ? `, weight ${x.weight}` : ''})`).join(', ');
      const variant = s.meta.model.hyperParameters['variant'];
      const variantText = typeof variant === 'string' ? `; variant \`${variant}\`` : '';
      return `- \`${s.name}\`: ${s.meta.model.trainer} on ${groups} features (embedder ${s.meta.embedder.id}), label "${s.meta.label.definition}", training splits of ${sources}${variantText}; created ${s.meta.created}`;
    }),
    '',
  ];
  return lines.join('\n');
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      models: { type: 'string', default: DEFAULT_SCORER_MODEL },
      'models-dir': { type: 'string' },
      'data-dir': { type: 'string', default: 'training-data' },
      benchmarks: { type: 'string', default: DEFAULT_BENCHMARKS.join(',') },
      out: { type: 'string' },
      force: { type: 'boolean', default: false },
      'no-write': { type: 'boolean', default: false },
      bootstrap: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      data: { type: 'string' },
      strong: { type: 'string' },
      weak: { type: 'string' },
      split: { type: 'string', default: 'all' },
    },
  });
  const resamples = Number(values.bootstrap);
  const seed = Number(values.seed);
  if (!Number.isInteger(resamples) || resamples < 0) throw new UsageError('--bootstrap must be a non-negative integer');
  if (!Number.isInteger(seed)) throw new UsageError('--seed must be an integer');
  // Chosen before any work, so a taken --out fails at once.
  const output = chooseReportDir(values.out ?? 'docs/eval', 'results.md', { explicit: values.out !== undefined, force: values.force, kind: 'eval' });

  let benchmarks: Benchmark<LabelledRecord>[];
  if (values.data) {
    if (!values.strong || !values.weak) throw new UsageError('--data needs --strong and --weak');
    if (!['test', 'train', 'all'].includes(values.split)) throw new UsageError('--split must be test, train or all');
    const records = (await readRecords(resolve(values.data))).filter((r) => values.split === 'all' || r.split === values.split);
    benchmarks = [{ name: basename(values.data).replace(/\.jsonl$/, ''), records, strong: values.strong, weak: values.weak }];
  } else {
    const dataDir = resolve(values['data-dir']);
    benchmarks = [];
    const names = values.benchmarks.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = names.filter((name) => !DEFAULT_BENCHMARKS.some((known) => known === name));
    if (unknown.length > 0) {
      throw new UsageError(`unknown benchmark${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}; valid: ${DEFAULT_BENCHMARKS.join(', ')} (or --data FILE.jsonl for your own)`);
    }
    for (const name of names) {
      const file = join(dataDir, `${name}.jsonl`);
      if (!existsSync(file)) throw new Error(`${file} does not exist: run "triage data fetch" first (or give --data-dir)`);
      const records = (await readRecords(file)).filter((r) => r.split === 'test');
      if (records.length === 0) throw new Error(`${name}.jsonl has no test records`);
      benchmarks.push({ name, records, strong: values.strong ?? STRONG_MODEL, weak: values.weak ?? WEAK_MODEL });
    }
  }

  const modelsDir = resolve(values['models-dir'] ?? DEFAULT_MODELS_DIR);
  const scorers: LearnedScorer[] = [];
  try {
    for (const name of values.models.split(',').map((s) => s.trim()).filter(Boolean)) {
      scorers.push(await createLearnedScorer({ modelsDir, name }));
    }
    const results = await evaluate({
      benchmarks,
      routers: scorers.map((s) => scorerRouter(s)),
      bootstrap: resamples > 0 ? { resamples, seed } : false,
      randomSeed: seed,
    });
    process.stdout.write(textReport(results.benchmarks));
    if (!values['no-write']) {
      const outDir = output.dir;
      if (output.moved) process.stdout.write(`docs/eval already holds results.md: writing ${outDir} instead (--force replaces it)\n`);
      await mkdir(outDir, { recursive: true });
      const command = `triage eval ${args.join(' ')}`.trim();
      const report = markdownReport(results.benchmarks).replace(/^# Router evaluation\n\n/, '');
      await writeFile(join(outDir, 'results.md'), `${header(command, scorers)}\n${report}`, 'utf8');
      for (const b of results.benchmarks) await writeFile(join(outDir, `${fileSafeName(b.name)}.svg`), costQualitySvg(b), 'utf8');
      process.stdout.write(`wrote ${join(outDir, 'results.md')} and ${results.benchmarks.length} SVG curve(s)\n`);
    }
    return 0;
  } finally {
    await Promise.all(scorers.map((s) => s.close()));
  }
}
