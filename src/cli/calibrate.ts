// `triage calibrate`: fits a router's threshold to a stated target (strong share, budget, quality)
// on logged traffic or a labelled file, prints what it promises, writes the curve (SVG) and stores
// a versioned calibration that a running gateway picks up; also --list and --rollback.

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { processEnv } from '../config/env.ts';
import { loadConfig } from '../config/load.ts';
import type { BudgetPeriod } from '../config/types.ts';
import { runCalibration, type CalibrationRun } from '../learning/calibrate/run.ts';
import { parseWindow } from '../learning/window.ts';
import { createScorerPool, defaultScorerFactory } from '../scoring/pool.ts';
import type { Calibration, CalibrationTarget } from '../store/learning-store.ts';
import { openLog } from './log-file.ts';

export const help = `Usage:
  triage calibrate [--router R] (--strong-share 0.3 | --budget 500/month | --quality 0.95 [--confidence])
                   [--labels FILE.jsonl [--split test]] [--window 7d|20000] [--period month] [--dry-run] [--svg FILE] [--json]
  triage calibrate --list [--router R]
  triage calibrate --rollback [--router R]

Fits the router's threshold to a target and stores it as a new calibration; a running gateway
applies the newest one within a few seconds.
  --router R         router from the config (default: the config's default router)
  --strong-share X   send a fraction X of requests to the strong model
  --budget N/PERIOD  spend at most N USD per day, week or month (projected from the window's rate)
  --quality Q        keep a fraction Q of the strong model's quality, judged on --labels FILE or,
                     without it, on the feedback labels in the log (POST /v1/feedback; at least 50)
  --confidence       for --quality: the 95% bootstrap interval's lower bound must reach Q
  --labels FILE      labelled prompts (normalised JSONL); --strong-label / --weak-label name the pair;
                     --split test keeps only held-out records (prompts the shipped scorer never trained on)
  --window W         logged traffic to fit on: a duration (7d, 24h) or the newest N requests (default 7d)
  --period P         period for cost projections: day, week, month (default month, or the budget's)
  --dry-run          print the result without storing it
  --svg FILE         where to write the curve (default calibration-<router>.svg; "-" for none)
  --db FILE          the decision log (default: TRIAGE_DB, else triage.db)
  --config FILE      YAML or JSON config (default: ./triage.config.yaml when present, else built-in)
  --json             print JSON
`;

const PERIODS: readonly BudgetPeriod[] = ['day', 'week', 'month'];

function parseFraction(flag: string, value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0 || number > 1) throw new Error(`${flag} must be a fraction between 0 and 1, got "${value}"`);
  return number;
}

function isPeriod(value: string | undefined): value is BudgetPeriod {
  return PERIODS.some((p) => p === value);
}

function parseBudget(value: string): { budgetUsd: number; period: BudgetPeriod } {
  const match = /^\$?(\d+(?:\.\d+)?)\/(day|week|month)$/.exec(value);
  const period = match?.[2];
  if (!match || !isPeriod(period) || !(Number(match[1]) > 0)) throw new Error(`--budget must look like 500/month, 20/day or 100/week, got "${value}"`);
  return { budgetUsd: Number(match[1]), period };
}

const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
const usd = (x: number | null): string => (x === null ? '-' : `$${x.toFixed(2)}`);

function describeTarget(target: CalibrationTarget): string {
  switch (target.kind) {
    case 'strongShare':
      return `strong share ${pct(target.strongShare)}`;
    case 'budget':
      return `budget $${target.budgetUsd}/${target.period}`;
    case 'quality':
      return `quality ${pct(target.quality)}${target.confidence ? ' (lower bound)' : ''}`;
  }
}

export function formatRun(run: CalibrationRun): string {
  const c = run.calibration;
  const lines = [
    `router            ${c.router}`,
    `target            ${describeTarget(c.target)}`,
    `fitted on         ${c.window.source === 'log' ? `${c.window.samples} ${c.target.kind === 'quality' ? 'labelled ' : ''}logged requests (${c.window.spec})` : `${c.window.samples} labelled prompts (${c.window.spec})`}`,
    `threshold         ${c.threshold.toFixed(6)}`,
    `strong share      ${pct(c.expectedShare)}`,
  ];
  if (c.projectedCostUsd !== null) {
    lines.push(`cost per ${c.period ?? 'period'}`.padEnd(18) + `${usd(c.projectedCostUsd)} (all-strong ${usd(c.allStrongCostUsd)})`);
    lines.push(`saving            ${usd(run.savingUsd)} (${pct(run.savingShare)})`);
  } else {
    lines.push('cost per period   - (no logged traffic with token counts)');
  }
  if (c.qualityRetained !== null && run.labels) {
    lines.push(`quality retained  ${pct(c.qualityRetained)} [95% ${pct(c.qualityLow)}, ${pct(c.qualityHigh)}] of ${run.labels.strongModel}; PGR ${c.pgr?.toFixed(3) ?? '-'} vs ${run.labels.weakModel}`);
    if (run.labels.source === 'log') {
      lines.push(`labels            ${run.labels.samples} logged requests with feedback (${run.labels.strongNeeded ?? 0} strong needed, ${run.labels.weakOk ?? 0} weak enough)`);
    }
  }
  lines.push(run.saved ? `stored            ${c.id}` : 'stored            no (--dry-run)');
  for (const note of run.notes) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}

function listTable(rows: Calibration[]): string {
  if (rows.length === 0) return 'no calibrations\n';
  const header = ['id', 'router', 'created', 'target', 'threshold', 'share', 'cost', 'quality', 'state'];
  const active = new Set<string>();
  for (const row of rows) if (row.rolledBackAt === null && ![...active].some((id) => rows.find((r) => r.id === id)?.router === row.router)) active.add(row.id);
  const body = rows.map((c) => [
    c.id, c.router, new Date(c.createdAt).toISOString().slice(0, 19) + 'Z', describeTarget(c.target), c.threshold.toFixed(4),
    pct(c.expectedShare), c.projectedCostUsd === null ? '-' : `${usd(c.projectedCostUsd)}/${c.period}`, pct(c.qualityRetained),
    c.rolledBackAt !== null ? 'rolled back' : active.has(c.id) ? 'active' : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${[line(header), ...body.map(line)].join('\n')}\n`;
}

function splitOf(value: string | undefined): { split?: 'train' | 'test' } {
  if (value === undefined) return {};
  if (value === 'train' || value === 'test') return { split: value };
  throw new Error(`--split must be train or test, got "${value}"`);
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      router: { type: 'string' }, 'strong-share': { type: 'string' }, budget: { type: 'string' }, quality: { type: 'string' },
      confidence: { type: 'boolean' }, labels: { type: 'string' }, 'strong-label': { type: 'string' }, 'weak-label': { type: 'string' }, split: { type: 'string' },
      window: { type: 'string' }, period: { type: 'string' }, 'dry-run': { type: 'boolean' }, svg: { type: 'string' },
      db: { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean' }, list: { type: 'boolean' }, rollback: { type: 'boolean' },
    },
    strict: true,
  });
  const env = processEnv();
  const { config } = loadConfig({ file: values.config, env });
  const routerName = values.router ?? config.defaultRouter;
  const store = await openLog(values.db, env, { create: !values.list && !values.rollback });
  try {
    if (values.list) {
      const rows = await store.calibrations(values.router ? { router: values.router } : {});
      process.stdout.write(values.json ? `${JSON.stringify(rows, null, 2)}\n` : listTable(rows));
      return 0;
    }
    if (values.rollback) {
      const now = await store.rollback(routerName);
      process.stdout.write(now ? `router ${routerName}: active calibration is now ${now.id} (threshold ${now.threshold.toFixed(6)})\n` : `router ${routerName}: no calibration left; the configured threshold applies\n`);
      return 0;
    }
    const given = [values['strong-share'], values.budget, values.quality].filter((v) => v !== undefined);
    if (given.length !== 1) throw new Error('give exactly one target: --strong-share X, --budget N/PERIOD or --quality Q');
    const target: CalibrationTarget =
      values['strong-share'] !== undefined
        ? { kind: 'strongShare', strongShare: parseFraction('--strong-share', values['strong-share']) }
        : values.budget !== undefined
          ? { kind: 'budget', ...parseBudget(values.budget) }
          : { kind: 'quality', quality: parseFraction('--quality', values.quality ?? ''), confidence: values.confidence === true };
    if (target.kind === 'quality' && target.quality === 0) throw new Error('--quality must be above 0');
    if (values.period !== undefined && !isPeriod(values.period)) throw new Error(`--period must be day, week or month, got "${values.period}"`);
    const scorers = createScorerPool(defaultScorerFactory());
    try {
      const result = await runCalibration({
        config, routerName, target, store, scorers,
        window: parseWindow(values.window ?? '7d'),
        ...(values.labels ? { labels: { path: values.labels, strongLabel: values['strong-label'], weakLabel: values['weak-label'], ...splitOf(values.split) } } : {}),
        ...(isPeriod(values.period) ? { period: values.period } : {}),
        dryRun: values['dry-run'] === true,
      });
      const svgPath = values.svg ?? `calibration-${routerName}.svg`;
      if (svgPath !== '-') writeFileSync(svgPath, result.svg);
      if (values.json) process.stdout.write(`${JSON.stringify({ ...result, svg: svgPath === '-' ? null : svgPath }, null, 2)}\n`);
      else process.stdout.write(formatRun(result) + (svgPath === '-' ? '' : `curve             ${svgPath}\n`));
      return 0;
    } finally {
      await scorers.closeAll();
    }
  } finally {
    await store.close();
  }
}
