// `triage report`: spend, tokens and strong share from the decision log per group (model, router,
// mode, task type, day or a tag), with what the same tokens would have cost all on the strong
// model. The figures come from routing/usage-report.ts; this file only reads flags and prints.

import { parseArgs } from 'node:util';
import { processEnv } from '../config/env.ts';
import { loadConfig } from '../config/load.ts';
import { usageReport, type UsageFigures, type UsageReport } from '../routing/usage-report.ts';
import { parseGroupBy, parseWindow } from '../routing/usage-query.ts';
import { logExists, openLogFile } from './log-file.ts';
import { targetAdherence } from '../learning/adherence.ts';
import { formatAdherence } from './targets.ts';
import { UsageError } from './usage-error.ts';
import { formatOwnCurve, ownCurves, shadowLine } from './report-learning.ts';

export const help = `Usage: triage report [--db FILE] [--config FILE] [--by GROUP | --by-model] [--router R]
                     [--since WHEN] [--until WHEN] [--top N] [--json | --csv] [--own-curve]

Adds up upstream calls, tokens and cost from the decision log, with the strong-model share and what
the same tokens would have cost on each router's strong model. /v1/route dry runs and rejected
requests are shown on their own lines and not counted as calls.
  --db FILE      the SQLite decision log (default: TRIAGE_DB, else triage.db)
  --config FILE  config whose prices the all-strong cost uses (default: ./triage.config.yaml when
                 present, else built-in), as triage serve reads it
  --by GROUP     model (default), router, mode, task, day (UTC) or tag:<name>; a bare name
                 that is none of these is a tag (--by feature)
  --by-model     group by the model that served the call (the default)
  --router R     only calls decided by router R
  --since WHEN   from WHEN (inclusive): 30m, 24h, 7d, 2w back from now, or 2026-11-30[T12:00Z]
  --until WHEN   up to WHEN (exclusive), same forms
  --top N        show the N groups with the most tokens, the rest added up (default 50; 0: all)
  --json         print the whole report as JSON
  --csv          print the group table as CSV
  --own-curve    also estimate each exploring router's cost-quality curve on its own traffic
                 (inverse-propensity weighting over explored decisions and their feedback, with
                 95% bootstrap intervals), from --since (default 30 days back) to now
Shadow judging spend (the other tier's answer and the judge's two verdicts) is its own line.
`;

const pct = (value: number | null, digits = 1): string => (value === null ? '-' : `${(value * 100).toFixed(digits)}%`);
const money = (value: number): string => value.toFixed(6);

function alignedTable(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), ...body.map(line)].join('\n');
}

interface ReportContext {
  db: string;
  pricesFrom: string;
}

function windowLine(report: UsageReport, context: ReportContext): string {
  const { since, until, router } = report.window;
  const span = `${since ?? 'start of log'} to ${until ?? 'now'}`;
  return `decision log ${context.db}, ${span}${router ? `, router ${router}` : ''}; prices from ${context.pricesFrom}`;
}

/** The totals: upstream calls, the all-strong counterfactual, then dry runs and rejections apart. */
function summaryBlock(report: UsageReport, context: ReportContext): string {
  const { upstream: u, dryRuns, rejected } = report;
  const lines = [
    windowLine(report, context),
    '',
    `upstream calls   ${u.requests} requests, ${u.totalTokens} tokens (${u.promptTokens} prompt, ${u.completionTokens} completion), cost $${money(u.costUsd)}`,
    `all on strong    $${money(u.allStrongCostUsd)} for the same tokens on each router's strong model`,
    `saving           $${money(u.savingUsd)} (${u.savingPct === null ? '-' : `${u.savingPct.toFixed(1)}%`})`,
    `strong share     ${pct(u.strongShare)} of ${u.routedRequests} routed calls; ${u.passthroughRequests} pass-through`,
    `dry runs         ${dryRuns.requests} /v1/route calls (strong share ${pct(dryRuns.strongShare)}), not counted above`,
    `rejected         ${rejected.requests} requests rejected with a 400, not counted above`,
  ];
  if (u.unpricedRequests > 0) {
    lines.push(`note             ${u.unpricedRequests} calls name a router the config lacks; counted at their own cost on both sides`);
  }
  return lines.join('\n');
}

const figureCells = (f: UsageFigures): string[] => [
  String(f.requests), pct(f.strongShare), String(f.totalTokens), String(f.promptTokens), String(f.completionTokens),
  money(f.costUsd), money(f.allStrongCostUsd), f.savingPct === null ? '-' : `${f.savingPct.toFixed(1)}%`,
];

function groupsBlock(report: UsageReport): string {
  if (report.groups.length === 0) return 'no upstream calls in this window';
  const header = [report.groupBy, 'requests', 'strong', 'tokens', 'prompt tok', 'completion tok', 'cost USD', 'all-strong USD', 'saving'];
  const body = report.groups.map((group) => [group.key || '(none)', ...figureCells(group)]);
  if (report.otherGroups) body.push([`(${report.otherGroups.groups} more)`, ...figureCells(report.otherGroups)]);
  return alignedTable(header, body);
}

const CSV_COLUMNS = [
  'group', 'requests', 'routed_requests', 'strong_requests', 'strong_share', 'passthrough_requests',
  'prompt_tokens', 'cached_tokens', 'completion_tokens', 'total_tokens', 'cost_usd',
  'all_strong_cost_usd', 'saving_usd', 'saving_pct',
] as const;

/** One CSV field: quoted when needed; a leading = + - @ is defused so spreadsheets do not run it. */
function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rounds away float noise (0.1 + 0.2) without losing a figure anyone bills by. */
const round = (value: number | null, digits: number): number | null => (value === null ? null : Number(value.toFixed(digits)));

function csvRow(key: string, f: UsageFigures): string {
  return [
    key, f.requests, f.routedRequests, f.strongRequests, round(f.strongShare, 6), f.passthroughRequests, f.promptTokens,
    f.cachedTokens, f.completionTokens, f.totalTokens, round(f.costUsd, 10), round(f.allStrongCostUsd, 10),
    round(f.savingUsd, 10), round(f.savingPct, 4),
  ].map(csvField).join(',');
}

function csv(report: UsageReport): string {
  const rows = report.groups.map((group) => csvRow(group.key, group));
  if (report.otherGroups) rows.push(csvRow(`(${report.otherGroups.groups} more)`, report.otherGroups));
  return [CSV_COLUMNS.join(','), ...rows].join('\n');
}

function parseTop(text: string | undefined): number {
  if (text === undefined) return 50;
  if (!/^\d{1,9}$/.test(text)) throw new UsageError(`--top must be a whole number (0: all groups), got "${text}"`);
  return Number(text);
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      db: { type: 'string' },
      config: { type: 'string' },
      by: { type: 'string' },
      'by-model': { type: 'boolean' },
      router: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      top: { type: 'string' },
      json: { type: 'boolean' },
      csv: { type: 'boolean' },
      'own-curve': { type: 'boolean' },
    },
    strict: true,
  });
  if (values.json && values.csv) throw new UsageError('--json and --csv exclude each other');
  if (values.by !== undefined && values['by-model']) throw new UsageError('--by and --by-model exclude each other');
  const env = processEnv();
  const path = values.db ?? (env['TRIAGE_DB'] || undefined) ?? 'triage.db';
  // Bad flag values are usage errors (exit 2), and come before a missing file.
  const asUsage = <T>(read: () => T): T => {
    try {
      return read();
    } catch (error) {
      throw error instanceof UsageError ? error : new UsageError(error instanceof Error ? error.message : String(error));
    }
  };
  const groupBy = asUsage(() => parseGroupBy(values.by));
  const window = asUsage(() => parseWindow(values.since, values.until, Date.now()));
  const top = asUsage(() => parseTop(values.top));
  const { config, source } = loadConfig({ file: values.config, env });
  if (!logExists(path)) throw new Error(`no decision log at ${path} (use --db)`);
  const store = await openLogFile(path);
  try {
    const query = { ...window, router: values.router };
    const report = await usageReport(store, config, { groupBy, query, top });
    const context: ReportContext = { db: path, pricesFrom: source };
    // Target adherence (live share against a strongShare target, spend against a budget's plan) for
    // the routers whose config states a target: under its own key in the JSON, one more text block.
    // CSV stays the group table. (Targets named only in model names: `triage targets`.)
    const hasTargets = Object.values(config.routers).some((router) => router.target !== undefined);
    const adherence = hasTargets ? targetAdherence(await store.decisions(query), config) : [];
    const shadow = await store.shadowSpend(query);
    const curves = values['own-curve'] ? await ownCurves(store, config, { router: values.router, since: window.since, now: Date.now() }) : [];
    let output: string;
    if (values.json) {
      output = JSON.stringify({ ...report, targetAdherence: adherence, shadow, ...(values['own-curve'] ? { ownCurves: curves } : {}) }, null, 2);
    } else if (values.csv) {
      output = csv(report);
    } else {
      const blocks = [`${summaryBlock(report, context)}\n${shadowLine(shadow)}`, groupsBlock(report)];
      for (const curve of curves) blocks.push(formatOwnCurve(curve));
      if (adherence.length > 0) blocks.push(`target adherence\n${formatAdherence(adherence).trimEnd()}`);
      output = blocks.join('\n\n');
    }
    process.stdout.write(`${output}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
