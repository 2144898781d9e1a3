// `triage drift`: compares each router's live score distribution with the score snapshot of its
// active calibration (PSI and KS) and says whether to do nothing, recalibrate or retrain. The
// figures and the rule come from learning/drift/; this file reads flags and prints.

import { parseArgs } from 'node:util';
import { processEnv } from '../config/env.ts';
import { loadConfig } from '../config/load.ts';
import { DRIFT_RULE, driftReport, type DriftReport } from '../learning/drift/check.ts';
import { parseWindow } from '../learning/window.ts';
import { openLog } from './log-file.ts';
import { UsageError } from './usage-error.ts';

export const help = `Usage: triage drift [--router R] [--window 7d|20000] [--db FILE] [--config FILE] [--json]

Compares the scores of recent traffic with those the active calibration was fitted on (its score
snapshot), per router, and says what to do:
  PSI < ${DRIFT_RULE.psiRecalibrate} and KS D < ${DRIFT_RULE.ksD}      stable, nothing to do
  PSI >= ${DRIFT_RULE.psiRecalibrate}, or KS D >= ${DRIFT_RULE.ksD} with p < ${DRIFT_RULE.ksP}   recalibrate the threshold (triage calibrate)
  PSI >= ${DRIFT_RULE.psiRetrain}                    retrain the scorer, then recalibrate
  fewer than ${DRIFT_RULE.minLive} scored requests     not enough traffic to say
  --router R     one router (default: every router in the config)
  --window W     recent traffic: a duration (7d, 24h) or the newest N requests (default 7d)
  --db FILE      the decision log (default: TRIAGE_DB, else triage.db)
  --config FILE  YAML or JSON config (default: ./triage.config.yaml when present, else built-in)
  --json         print JSON
`;

const fixed = (x: number | null, digits = 3): string => (x === null ? '-' : x.toFixed(digits));
const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);

export function formatDrift(report: DriftReport): string {
  const lines = [`router ${report.router} (window ${report.window}): ${report.verdict}`];
  const c = report.calibration;
  if (c) {
    lines.push(`  calibration   ${c.id} from ${new Date(c.createdAt).toISOString()}, threshold ${c.threshold.toFixed(4)}, snapshot of ${c.snapshotSamples} scores`);
    lines.push(`  live          ${report.liveSamples} scored requests${report.otherScorer > 0 ? ` (${report.otherScorer} from another scorer left out)` : ''}`);
    lines.push(`  PSI           ${fixed(report.psi)}`);
    lines.push(`  KS            D ${fixed(report.ks?.d ?? null)}, p ${report.ks ? report.ks.pValue.toExponential(2) : '-'}`);
    lines.push(`  strong share  ${pct(report.liveStrongShare)} live at the calibrated threshold, ${pct(c.expectedShare)} expected`);
  }
  lines.push(`  advice        ${report.advice}`);
  return lines.join('\n');
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { router: { type: 'string' }, window: { type: 'string' }, db: { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean' } },
    strict: true,
  });
  let window;
  try {
    window = parseWindow(values.window ?? '7d');
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const env = processEnv();
  const { config } = loadConfig({ file: values.config, env });
  const routers = values.router === undefined ? Object.keys(config.routers) : [values.router];
  for (const name of routers) if (!Object.hasOwn(config.routers, name)) throw new UsageError(`no router named "${name}" (known: ${Object.keys(config.routers).join(', ')})`);
  const store = await openLog(values.db, env);
  try {
    const reports: DriftReport[] = [];
    for (const name of routers) reports.push(await driftReport(store, name, window));
    process.stdout.write(values.json ? `${JSON.stringify(reports, null, 2)}\n` : `${reports.map(formatDrift).join('\n\n')}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
