// evaluate(): score every benchmark with every router (plus random and oracle baselines),
// compute the metrics and, when outDir is given, write <outDir>/results.md and one
// <outDir>/<benchmark>.svg cost-quality image per benchmark.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { oracleScores, randomScores } from './baselines.ts';
import type { BootstrapOptions } from './bootstrap.ts';
import { evaluateScores } from './evaluate-router.ts';
import { mean, pairQualities, recordsScoringPair } from './pair.ts';
import { markdownReport } from './report.ts';
import type { BenchmarkResult, RouterResult } from './results.ts';
import { costQualitySvg } from './svg.ts';
import type { ScoredRecord } from './types.ts';

export interface Benchmark<R extends ScoredRecord = ScoredRecord> {
  name: string;
  records: readonly R[];
  strong: string;
  weak: string;
}

export interface RouterUnderTest<R extends ScoredRecord = ScoredRecord> {
  name: string;
  /** One score per record, in order; higher = more in need of the strong model. */
  score(records: readonly R[]): Promise<ArrayLike<number>>;
}

export interface EvaluateOptions<R extends ScoredRecord = ScoredRecord> {
  benchmarks: ReadonlyArray<Benchmark<R>>;
  routers: ReadonlyArray<RouterUnderTest<R>>;
  outDir?: string;
  /** Bootstrap settings, or false for none (default: 1000 resamples, seed 1). */
  bootstrap?: BootstrapOptions | false;
  /** Add the random and oracle reference routers (default true). */
  baselines?: boolean;
  /** Seed of the random router's scores (default 0). */
  randomSeed?: number;
  /** Quantile bins of the sweep (default 10, as RouteLLM). */
  bins?: number;
}

export interface EvaluationResults {
  benchmarks: BenchmarkResult[];
  /** Files written (results.md and the SVGs), when outDir was given. */
  files: string[];
}

export type { BenchmarkResult, RouterKind, RouterResult } from './results.ts';

export function fileSafeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}

export async function evaluate<R extends ScoredRecord>(options: EvaluateOptions<R>): Promise<EvaluationResults> {
  const bootstrap = options.bootstrap === undefined ? {} : options.bootstrap;
  const metricOptions = { bootstrap, ...(options.bins ? { bins: options.bins } : {}) };
  const benchmarks: BenchmarkResult[] = [];
  for (const benchmark of options.benchmarks) {
    const records = recordsScoringPair(benchmark.records, benchmark.strong, benchmark.weak);
    if (records.length === 0) throw new Error(`benchmark ${benchmark.name} has no record scoring both ${benchmark.strong} and ${benchmark.weak}`);
    const qualities = pairQualities(records, benchmark.strong, benchmark.weak);
    const results: RouterResult[] = [];
    for (const router of options.routers) {
      const scores = await router.score(records);
      results.push({ router: router.name, kind: 'router', ...evaluateScores(scores, qualities, metricOptions) });
    }
    if (options.baselines !== false) {
      const seed = options.randomSeed ?? 0;
      results.push({ router: `random (seed ${seed})`, kind: 'random', ...evaluateScores(randomScores(records.length, seed), qualities, metricOptions) });
      results.push({ router: 'oracle (hindsight)', kind: 'oracle', ...evaluateScores(oracleScores(qualities), qualities, metricOptions) });
    }
    benchmarks.push({
      name: benchmark.name,
      strong: benchmark.strong,
      weak: benchmark.weak,
      size: records.length,
      skipped: benchmark.records.length - records.length,
      strongMean: mean(qualities.strong),
      weakMean: mean(qualities.weak),
      results,
    });
  }

  const files: string[] = [];
  if (options.outDir) {
    await mkdir(options.outDir, { recursive: true });
    for (const result of benchmarks) {
      const file = join(options.outDir, `${fileSafeName(result.name)}.svg`);
      await writeFile(file, costQualitySvg(result), 'utf8');
      files.push(file);
    }
    const reportFile = join(options.outDir, 'results.md');
    await writeFile(reportFile, markdownReport(benchmarks), 'utf8');
    files.unshift(reportFile);
  }
  return { benchmarks, files };
}
