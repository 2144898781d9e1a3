// `npm run mutation:table`: the per-module table of a Stryker run, in Markdown, from the JSON report
// `npm run test:mutation` writes (reports/mutation/mutation.json, or the path given). Score is
// (killed + timed out) / all mutants, as Stryker counts it; modules under the 80% target are marked.
//
//   node --import tsx scripts/mutation-table.ts [reports/mutation/mutation.json]

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const MUTATION_TARGET_PERCENT = 80;

/** The part of Stryker's mutation-testing-report-schema this table reads. */
const ReportSchema = z.object({
  files: z.record(z.string(), z.object({ mutants: z.array(z.object({ status: z.string() })) })),
});

export interface ModuleScore {
  module: string;
  total: number;
  killed: number;
  timedOut: number;
  survived: number;
  noCoverage: number;
  /** (killed + timed out) / total, in percent (100 for a module with no mutants). */
  score: number;
}

export function moduleScores(report: unknown): ModuleScore[] {
  const { files } = ReportSchema.parse(report);
  return Object.entries(files)
    .map(([file, { mutants }]) => {
      const count = (status: string) => mutants.filter((mutant) => mutant.status === status).length;
      const killed = count('Killed');
      const timedOut = count('Timeout');
      const score = mutants.length === 0 ? 100 : (100 * (killed + timedOut)) / mutants.length;
      return { module: file.replace(/^.*?src\//, ''), total: mutants.length, killed, timedOut, survived: count('Survived'), noCoverage: count('NoCoverage'), score };
    })
    .sort((a, b) => a.module.localeCompare(b.module));
}

export function formatMutationTable(rows: readonly ModuleScore[]): string {
  const lines = ['| module | mutants | killed | timed out | survived | no coverage | score |', '|---|---|---|---|---|---|---|'];
  for (const row of rows) {
    const mark = row.score < MUTATION_TARGET_PERCENT ? ` (below ${MUTATION_TARGET_PERCENT}%)` : '';
    lines.push(`| \`${row.module}\` | ${row.total} | ${row.killed} | ${row.timedOut} | ${row.survived} | ${row.noCoverage} | ${row.score.toFixed(2)}%${mark} |`);
  }
  const total = rows.reduce((sum, row) => sum + row.total, 0);
  const detected = rows.reduce((sum, row) => sum + row.killed + row.timedOut, 0);
  const below = rows.filter((row) => row.score < MUTATION_TARGET_PERCENT).length;
  const overall = total === 0 ? 100 : (100 * detected) / total;
  lines.push('', `${rows.length} modules, ${total} mutants, ${overall.toFixed(2)}% detected; ${below} below ${MUTATION_TARGET_PERCENT}%.`);
  return lines.join('\n');
}

function main(): void {
  const path = process.argv[2] ?? 'reports/mutation/mutation.json';
  console.log(formatMutationTable(moduleScores(JSON.parse(readFileSync(path, 'utf8')))));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
