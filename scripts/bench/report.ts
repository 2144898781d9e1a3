// bench:gateway: turns measured runs into the printed report (tables, RSS trend, log accounting).
// Pure formatting and small statistics; nothing here measures anything.

import type { LoadResult } from './protocol.ts';

export interface RunRow {
  target: string;
  connections: number;
  result: LoadResult;
}

export interface RssSample {
  completed: number;
  rssMb: number;
}

const ms = (value: number): string => (Number.isFinite(value) ? value.toFixed(2) : 'n/a');
const signed = (value: number): string => (Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${value.toFixed(2)}` : 'n/a');
const int = (value: number): string => Math.round(value).toLocaleString('en-US');

/** Side-by-side table; "added" is against the upstream measured directly at the same connection count. */
export function runsTable(rows: RunRow[], baseline: string): string {
  const lines = [
    '| target | connections | req/s | p50 ms | p99 ms | added p50 ms | added p99 ms | non-2xx / errors |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    const base = rows.find((r) => r.target === baseline && r.connections === row.connections)?.result;
    const added = (pick: (r: LoadResult) => number): string => (base && row.target !== baseline ? signed(pick(row.result) - pick(base)) : '—');
    lines.push(
      `| ${row.target} | ${row.connections} | ${int(row.result.reqPerSec)} | ${ms(row.result.p50)} | ${ms(row.result.p99)} | ${added((r) => r.p50)} | ${added((r) => r.p99)} | ${row.result.non2xx} / ${row.result.errors} |`,
    );
  }
  return lines.join('\n');
}

/** Highest mean req/s of each target over the connection counts, with that run's slowest second. */
export function sustainedTable(rows: RunRow[]): string {
  const lines = ['| target | max sustained req/s | at connections | slowest 1-s sample |', '|---|---|---|---|'];
  for (const target of [...new Set(rows.map((r) => r.target))]) {
    const best = rows.filter((r) => r.target === target).sort((a, b) => b.result.reqPerSec - a.result.reqPerSec)[0];
    if (best) lines.push(`| ${target} | ${int(best.result.reqPerSec)} | ${best.connections} | ${int(best.result.minSecondReqs)} |`);
  }
  return lines.join('\n');
}

/** Least-squares slope of RSS against completed requests, in MB per 10k requests. */
export function rssSlopePer10k(samples: RssSample[]): number {
  const n = samples.length;
  if (n < 2) return Number.NaN;
  const mx = samples.reduce((s, p) => s + p.completed, 0) / n;
  const my = samples.reduce((s, p) => s + p.rssMb, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of samples) {
    num += (p.completed - mx) * (p.rssMb - my);
    den += (p.completed - mx) ** 2;
  }
  return den === 0 ? Number.NaN : (num / den) * 10_000;
}

export interface SoakSummary {
  target: string;
  requests: number;
  beforeMb: number;
  afterMb: number;
  maxMb: number;
  /** Slope over the second half of the soak (after warm-up effects), MB per 10k requests. */
  slopeSecondHalf: number;
  /** RSS near each tenth of the soak. */
  tenths: number[];
}

export function summariseSoak(target: string, requests: number, beforeMb: number, afterMb: number, samples: RssSample[]): SoakSummary {
  const secondHalf = samples.filter((s) => s.completed >= requests / 2);
  const tenths: number[] = [];
  for (let i = 1; i <= 10; i++) {
    const near = samples.filter((s) => s.completed <= (requests * i) / 10).at(-1);
    if (near) tenths.push(near.rssMb);
  }
  return {
    target,
    requests,
    beforeMb,
    afterMb,
    maxMb: Math.max(beforeMb, afterMb, ...samples.map((s) => s.rssMb)),
    slopeSecondHalf: rssSlopePer10k(secondHalf),
    tenths,
  };
}

export function soakTable(soaks: SoakSummary[]): string {
  const lines = [
    '| target | requests | RSS before MB | RSS after MB | max MB | slope, 2nd half (MB / 10k req) | RSS at each tenth (MB) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const s of soaks) {
    lines.push(
      `| ${s.target} | ${int(s.requests)} | ${s.beforeMb.toFixed(1)} | ${s.afterMb.toFixed(1)} | ${s.maxMb.toFixed(1)} | ${signed(s.slopeSecondHalf)} | ${s.tenths.map((v) => v.toFixed(0)).join(' ')} |`,
    );
  }
  return lines.join('\n');
}

export interface Accounting {
  target: string;
  sent: number;
  completed: number;
  rows: number;
  /** Rows per routing reason, e.g. "passthrough 22753" or "score<threshold 20000, scorer-timeout 12". */
  reasons: string;
}

export function accountingTable(items: Accounting[]): string {
  const lines = ['| target | requests sent | responses | rows in the decision log | every request logged | rows by reason |', '|---|---|---|---|---|---|'];
  for (const a of items) {
    lines.push(`| ${a.target} | ${int(a.sent)} | ${int(a.completed)} | ${int(a.rows)} | ${a.rows === a.sent ? 'yes' : 'NO'} | ${a.reasons} |`);
  }
  return lines.join('\n');
}
