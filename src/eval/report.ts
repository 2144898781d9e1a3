// Results tables: Markdown (results.md, with RouteLLM's published figures as reference rows) and
// plain text for the terminal. CPTs are shown as percentages of calls to the strong model.

import type { Interval } from './types.ts';
import { publishedFor } from './reference.ts';
import type { BenchmarkResult, RouterResult } from './results.ts';

function num(value: number, digits = 3): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

function pct(value: number): string {
  return Number.isFinite(value) ? `${(value * 100).toFixed(1)}%` : 'n/a';
}

function withInterval(value: string, ci: Interval | undefined, show: (v: number) => string): string {
  return ci ? `${value} [${show(ci.low)}, ${show(ci.high)}]` : value;
}

function cells(r: RouterResult): string[] {
  return [
    r.router,
    withInterval(num(r.apgr), r.ci?.apgr, (v) => num(v)),
    withInterval(pct(r.cpt50), r.ci?.cpt50, pct),
    withInterval(pct(r.cpt80), r.ci?.cpt80, pct),
    num(r.auc),
  ];
}

const HEADER = ['router', 'APGR [95% CI]', 'CPT(50%) [95% CI]', 'CPT(80%) [95% CI]', 'AUC'];

function markdownRow(values: readonly string[]): string {
  return `| ${values.map((v) => v.replace(/\|/g, '\\|')).join(' | ')} |`;
}

export function markdownReport(benchmarks: readonly BenchmarkResult[]): string {
  const lines: string[] = ['# Router evaluation', ''];
  lines.push('Metrics as in RouteLLM (routellm/evals/evaluate.py): 11-point threshold sweep at the router scores\' deciles;');
  lines.push('APGR = area under PGR over strong-call share; CPT(x) = strong-call share needed for PGR x;');
  lines.push('AUC = ROC AUC of the router score for "strong strictly better than weak". Intervals: percentile bootstrap over prompts.');
  for (const b of benchmarks) {
    lines.push('', `## ${b.name}`, '');
    lines.push(`${b.size} prompts${b.skipped ? ` (${b.skipped} skipped: a model of the pair unscored)` : ''}; strong ${b.strong} = ${num(b.strongMean)}, weak ${b.weak} = ${num(b.weakMean)}.`, '');
    lines.push(markdownRow(HEADER), markdownRow(HEADER.map(() => '---')));
    for (const r of b.results) lines.push(markdownRow(cells(r)));
    for (const p of publishedFor(b.name)) {
      lines.push(markdownRow([`*RouteLLM published: ${p.router}*`, num(p.apgr), `${p.approximate ? '≈' : ''}${pct(p.cpt50)}`, `${p.approximate ? '≈' : ''}${pct(p.cpt80)}`, '—']));
    }
    lines.push('', `![cost-quality curve for ${b.name}](${b.name.replace(/[^A-Za-z0-9._-]+/g, '_')}.svg)`);
  }
  return lines.join('\n') + '\n';
}

export function textReport(benchmarks: readonly BenchmarkResult[]): string {
  const out: string[] = [];
  for (const b of benchmarks) {
    out.push(`${b.name}: ${b.size} prompts, strong ${num(b.strongMean)}, weak ${num(b.weakMean)}`);
    const rows = [HEADER, ...b.results.map(cells)];
    const widths = HEADER.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
    for (const [k, row] of rows.entries()) {
      out.push('  ' + row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  '));
      if (k === 0) out.push('  ' + widths.map((w) => '-'.repeat(w)).join('  '));
    }
    out.push('');
  }
  return out.join('\n');
}
