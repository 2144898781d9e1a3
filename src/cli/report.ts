// `triage report`: spend and traffic from the decision log, added up per tag value (e.g. per feature)
// or per model, over a time window.

import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { processEnv } from '../config/env.ts';
import { openSqliteStore } from '../store/sqlite/index.ts';
import { summariseCost } from '../store/cost-summary.ts';
import type { CostSummaryRow } from '../store/store.ts';
import { UsageError } from './usage-error.ts';

export const help = `Usage: triage report [--db triage.db] [--by TAG | --by-model] [--since 24h] [--json]

Adds up requests, tokens and cost from the decision log.
  --db FILE     the SQLite decision log (default: TRIAGE_DB, else triage.db)
  --by TAG      group by the value of a caller tag (from x-triage-tags, metadata or user)
  --by-model    group by the model that served the request (default)
  --since DUR   only the last DUR (e.g. 30m, 24h, 7d); default: everything
  --json        print JSON instead of a table
`;

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

function parseSince(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const match = /^(\d+)([mhd])$/.exec(value);
  if (!match) throw new UsageError(`--since must look like 30m, 24h or 7d, got "${value}"`);
  return Date.now() - Number(match[1]) * (UNIT_MS[match[2]!] ?? 0);
}

function table(title: string, rows: CostSummaryRow[]): string {
  const header = [title, 'requests', 'prompt tok', 'completion tok', 'cost USD'];
  const body = rows.map((r) => [r.key || '(none)', String(r.requests), String(r.promptTokens), String(r.completionTokens), r.costUsd.toFixed(6)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), ...body.map(line)].join('\n');
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { db: { type: 'string' }, by: { type: 'string' }, 'by-model': { type: 'boolean' }, since: { type: 'string' }, json: { type: 'boolean' } },
    strict: true,
  });
  const path = values.db ?? processEnv()['TRIAGE_DB'] ?? 'triage.db';
  const since = parseSince(values.since); // a usage error comes before a missing file
  if (!existsSync(path)) throw new Error(`no decision log at ${path} (use --db)`);
  const store = openSqliteStore(path);
  try {
    const rows = values.by
      ? await store.costByTag(values.by, { since })
      : summariseCost(await store.decisions({ since }), (row) => row.modelAlias ?? '');
    const title = values.by ? `tag ${values.by}` : 'model';
    process.stdout.write(values.json ? `${JSON.stringify(rows, null, 2)}\n` : `${table(title, rows)}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
