// `triage targets`: how well each router with a target held it, from the decision log: live
// strong share against the target, and budget spend this period against the plan and the cap.

import { parseArgs } from 'node:util';
import { processEnv } from '../config/env.ts';
import { loadConfig } from '../config/load.ts';
import { targetAdherence, type AdherenceRow } from '../learning/adherence.ts';
import { openLog } from './log-file.ts';

export const help = `Usage: triage targets [--since 30d] [--window 500] [--json] [--db FILE] [--config FILE]

Target adherence per router: live strong share (overall and over the newest --window requests)
against a strongShare target; spend this period against the plan and the cap for a budget.
  --db FILE   the decision log (default: TRIAGE_DB, else triage.db)
`;

const pct = (x: number | null): string => (x === null || !Number.isFinite(x) ? '-' : `${(x * 100).toFixed(1)}%`);
const usd = (x: number | null): string => (x === null ? '-' : `$${x.toFixed(4)}`);

export function formatAdherence(rows: AdherenceRow[]): string {
  if (rows.length === 0) return 'no router with a target has traffic or configuration\n';
  const header = ['router', 'target', 'requests', 'live share', 'recent share', 'spent', 'plan', 'cap'];
  const body = rows.map((r) => [r.router, r.target, String(r.requests), pct(r.liveShare), pct(r.recentShare), usd(r.spentUsd), usd(r.planUsd), usd(r.budgetUsd)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${[line(header), ...body.map(line)].join('\n')}\n`;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { since: { type: 'string' }, window: { type: 'string' }, json: { type: 'boolean' }, db: { type: 'string' }, config: { type: 'string' } },
    strict: true,
  });
  const env = processEnv();
  const { config } = loadConfig({ file: values.config, env });
  const match = /^(\d+)([mhd])$/.exec(values.since ?? '31d');
  if (!match) throw new Error(`--since must look like 30m, 24h or 7d, got "${values.since}"`);
  const since = Date.now() - Number(match[1]) * (UNIT_MS[match[2]!] ?? 0);
  const window = values.window ? Number(values.window) : 500;
  if (!Number.isInteger(window) || window <= 0) throw new Error('--window must be a positive number of requests');
  const store = await openLog(values.db, env);
  try {
    const rows = targetAdherence(await store.decisions({ since }), config, { window });
    process.stdout.write(values.json ? `${JSON.stringify(rows, null, 2)}\n` : formatAdherence(rows));
    return 0;
  } finally {
    await store.close();
  }
}
