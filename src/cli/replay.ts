// `triage replay`: what another threshold, strong share or scorer model would have done on the
// logged traffic, against what actually happened (table, JSON, SVG), with quality retained and
// PGR (95% bootstrap interval) where labels exist: --labels FILE, else feedback in the log.

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { processEnv } from '../config/env.ts';
import { loadConfig } from '../config/load.ts';
import type { PricePerMTok, Tier } from '../config/types.ts';
import { costCurveSvg } from '../eval/svg.ts';
import { runReplay, type ReplayPolicy, type ReplayResult } from '../learning/replay.ts';
import { loadLabelledSet } from '../learning/labels.ts';
import { parseWindow } from '../learning/window.ts';
import { createScorerPool, defaultScorerFactory } from '../scoring/pool.ts';
import { openLog } from './log-file.ts';

export const help = `Usage: triage replay [--since 7d|20000] [--router R] (--threshold T | --strong-share X) [--model NAME]
                    [--prices strong=in,out weak=in,out] [--labels FILE.jsonl [--split test]] [--json] [--svg FILE]
                    [--db FILE] [--config FILE]

Re-runs the router's choice over logged traffic and prints the projected strong share, cost and
saving against what actually happened.
  --since W         logged traffic: a duration (7d, 24h) or the newest N requests (default 7d)
  --threshold T     re-threshold the scores at T
  --strong-share X  the threshold that would have sent a fraction X strong
  --model NAME      re-score with another learned model under models/ (logged feature vectors of
                    the same layout, or logged prompt text); other rows keep their logged tier
  --prices ...      USD per million tokens, e.g. strong=2,8 weak=0.1,0.2 (default: the config's)
  --labels FILE     labelled prompts (normalised JSONL) for quality retained and PGR, scored by the
                    router's scorer (or --model's); --strong-label / --weak-label name the pair.
                    Without it, the feedback labels in the log are used where there are any.
  --svg FILE        write the projected cost curve with the replayed point
  --db FILE         the decision log (default: TRIAGE_DB, else triage.db)
`;

function parsePrices(values: string[], base: Record<Tier, PricePerMTok>): Record<Tier, PricePerMTok> {
  const prices = { ...base };
  for (const value of values) {
    const match = /^(strong|weak)=(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)$/.exec(value);
    if (!match) throw new Error(`--prices takes strong=in,out and/or weak=in,out (USD per million tokens), got "${value}"`);
    prices[match[1] === 'strong' ? 'strong' : 'weak'] = { input: Number(match[2]), output: Number(match[3]) };
  }
  return prices;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

export function formatReplay(r: ReplayResult): string {
  const q = r.quality;
  const rows = [
    ['', 'requests', 'strong share', 'cost USD', ...(q ? ['quality retained [95%]'] : [])],
    ['actual (as logged)', String(r.actual.requests), pct(r.actual.strongShare), r.actual.costUsd.toFixed(6), ...(q ? [q.actual ? pct(q.actual.retained) : '-'] : [])],
    [
      `replay (threshold ${r.threshold.toFixed(4)})`, String(r.projected.requests), pct(r.projected.strongShare), r.projected.costUsd.toFixed(6),
      ...(q ? [`${pct(q.projected.retained)} [${pct(q.projected.low)}, ${pct(q.projected.high)}]`] : []),
    ],
    ['all strong', String(r.projected.requests), '100.0%', r.allStrongCostUsd.toFixed(6), ...(q ? ['100.0%'] : [])],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const lines = rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
  lines.push(`saving against all-strong: $${r.savingUsd.toFixed(6)} (${pct(r.savingShare)})`);
  if (q) {
    const from = q.source === 'file' ? `${q.samples} labelled prompts in ${q.path}` : `${q.samples} logged requests with feedback labels`;
    const pgr = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : x.toFixed(3));
    lines.push(`quality: of ${q.strongModel} vs ${q.weakModel}, on ${from}; PGR replay ${pgr(q.projected.pgr)}${q.actual ? `, actual ${pgr(q.actual.pgr)}` : ''}`);
  } else {
    lines.push('quality: - (no labels: give --labels FILE, or send feedback to POST /v1/feedback)');
  }
  if (r.rescored > 0 || r.notRescorable > 0) lines.push(`re-scored ${r.rescored} requests; ${r.notRescorable} could not be (kept their logged tier)`);
  return `${lines.join('\n')}\n`;
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      since: { type: 'string' }, router: { type: 'string' }, threshold: { type: 'string' }, 'strong-share': { type: 'string' },
      model: { type: 'string' }, prices: { type: 'string', multiple: true }, json: { type: 'boolean' }, svg: { type: 'string' },
      db: { type: 'string' }, config: { type: 'string' },
      labels: { type: 'string' }, 'strong-label': { type: 'string' }, 'weak-label': { type: 'string' }, split: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const env = processEnv();
  const { config } = loadConfig({ file: values.config, env });
  const routerName = values.router ?? config.defaultRouter;
  const router = config.routers[routerName];
  if (!router) throw new Error(`no router named "${routerName}"`);
  const strong = config.models[router.strong];
  const weak = config.models[router.weak];
  if (!strong || !weak) throw new Error(`router "${routerName}" names an unknown model`);
  if ((values.threshold === undefined) === (values['strong-share'] === undefined) && !values.model) {
    throw new Error('give --threshold T or --strong-share X (and/or --model NAME)');
  }
  const fraction = (flag: string, value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0 || n > 1) throw new Error(`${flag} must be between 0 and 1, got "${value}"`);
    return n;
  };
  const policy: ReplayPolicy =
    values['strong-share'] !== undefined
      ? { kind: 'strongShare', strongShare: fraction('--strong-share', values['strong-share']) }
      : { kind: 'threshold', threshold: values.threshold !== undefined ? fraction('--threshold', values.threshold) : router.threshold };
  const prices = parsePrices(values.prices ?? [], { strong: strong.pricePerMTok, weak: weak.pricePerMTok });
  if (values.split !== undefined && values.split !== 'train' && values.split !== 'test') throw new Error(`--split must be train or test, got "${values.split}"`);
  const split: { split?: 'train' | 'test' } = values.split === 'train' || values.split === 'test' ? { split: values.split } : {};
  const store = await openLog(values.db, env);
  const scorer = values.model ? await (await import('../scoring/learned.ts')).createLearnedScorer({ name: values.model }) : undefined;
  const scorers = values.labels ? createScorerPool(defaultScorerFactory()) : undefined;
  try {
    // A labelled file is scored by the scorer the replay uses: --model's, else the router's.
    const labelRouter = values.model ? { ...router, scorer: 'learned' as const, model: values.model } : router;
    const labels =
      values.labels && scorers
        ? await loadLabelledSet(values.labels, labelRouter, scorers, { strongLabel: values['strong-label'], weakLabel: values['weak-label'], ...split })
        : undefined;
    const result = await runReplay({
      store, routerName, window: parseWindow(values.since ?? '7d'), policy, prices, modelNames: { strong: router.strong, weak: router.weak },
      ...(scorer ? { scorer } : {}), ...(labels ? { labels } : {}),
    });
    if (values.svg) {
      const chosen = { strongShare: result.projected.strongShare, costUsd: result.projected.costUsd };
      const qualityPoints = result.curve.flatMap((p) => (p.quality ? [{ strongShare: p.strongShare, ...p.quality }] : []));
      const quality = result.quality ? { points: qualityPoints, chosen: { strongShare: result.projected.strongShare, retained: result.quality.projected.retained } } : undefined;
      writeFileSync(values.svg, costCurveSvg({ title: `Replay: ${routerName}, ${result.actual.requests} requests`, points: result.curve, chosen, ...(quality ? { quality } : {}) }));
    }
    process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatReplay(result));
    return 0;
  } finally {
    await scorers?.closeAll();
    await scorer?.close();
    await store.close();
  }
}
