// `triage retrain`: trains a candidate scorer on public + own labels, evaluates it against the
// active model on held-out own labels (and the public test splits), and promotes it through the
// regression gate as a new model version (the running gateway swaps to it), or keeps it, rejected,
// with the reason. Never touches the shipped models/<line>/ folder.

import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { processEnv } from '../config/env.ts';
import { loadConfig } from '../config/load.ts';
import type { Estimate } from '../eval/paired-bootstrap.ts';
import { OWN_TRAFFIC_SOURCE } from '../learning/labels-export.ts';
import { DEFAULT_GATE_RULE, describeRule, type GateRule } from '../learning/retrain/gate.ts';
import { evaluateAndGate, trainCandidate, type GateReport } from '../learning/retrain/run.ts';
import { DEFAULT_MODELS_DIR, DEFAULT_SCORER_MODEL, resolveModelDir } from '../scoring/learned.ts';
import { readModelMeta } from '../scoring/learned/meta.ts';
import { modelVersionId, type ModelVersion } from '../store/model-versions.ts';
import type { LabelledRecord } from '../training/data/format.ts';
import { readRecords } from '../training/data/jsonl.ts';
import { STRONG_MODEL, WEAK_MODEL } from '../training/data/sources/source.ts';
import { MT_BENCH_SOURCE } from '../training/data/sources/mt-bench.ts';
import { mostCommonPair } from '../training/pair.ts';
import { logPath, openLog } from './log-file.ts';
import { parseStoreTarget } from '../store/target.ts';
import { configPair, describeExport, parseConfidence, parseSince, readOwnLabels } from './own-labels.ts';
import { UsageError } from './usage-error.ts';

export const DEFAULT_RETRAIN_SOURCES = ['routellm-mmlu', 'routellm-gsm8k'] as const;

export const help = `Usage: triage retrain [--db FILE] [--config FILE] [--router NAME] [options]

Trains a candidate scorer for the router's model line on the public train splits plus the team's
own labels (\`triage labels export\`, read from the decision log), with the active model's embedder
and feature groups. Then scores candidate and active model on the held-out own labels (prompts
held out by hash, never trained on) and on the public test splits, printing both with 95%
bootstrap intervals, and applies the gate:

  ${describeRule(DEFAULT_GATE_RULE)}

A promoted candidate becomes the line's new active version (a running gateway swaps to it within
seconds, no restart); a rejected one is kept, with the reason (\`triage models list\`). The shipped
models/<line>/ folder is never written. Exit code 0 either way; 1 on an error.

  --db FILE            decision log (default $TRIAGE_DB, else triage.db)
  --config FILE        config (default ./triage.config.yaml, else built-in); the router's strong and
                       weak model ids name the own labels' pair
  --router NAME        the router whose model line is retrained (default: the config's default router)
  --labels FILE        own labels from this labelled JSONL file instead of the decision log
  --since WHEN         only labels recorded since (24h, 7d, ISO date)   --min-confidence X  (see labels export)
  --data-dir DIR       public labelled JSONL folder (default training-data)
  --sources LIST       public training sources (default ${DEFAULT_RETRAIN_SOURCES.join(',')}; "none" for own labels only)
  --own-weight X       weight of the own labels relative to one public source (default 1)
  --margin X           gate margin (default ${DEFAULT_GATE_RULE.margin})     --min-test N  (default ${DEFAULT_GATE_RULE.minTest})
  --public-eval LIST   public test splits to print (default: the training sources and mt-bench; "none")
  --bootstrap N        bootstrap resamples (default 1000)                 --seed N (default 1)
  --versions-dir DIR   where version folders go (default: model-versions/ beside the decision log)
  --models-dir DIR     where the shipped model folders are (default: the project's models/)
  --dry-run            train and evaluate, but record no version and activate nothing
  --json               print the report as JSON
`;

function numberFlag(value: string | undefined, name: string, fallback: number, check: (n: number) => boolean): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`--${name}: bad value "${value}"`);
  return n;
}

const f3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const est = (e: Estimate): string => `${f3(e.value)} [${f3(e.low)}, ${f3(e.high)}]`;

export function formatReport(report: GateReport, promotedId: string | null, kept: string): string {
  const lines: string[] = [];
  if (report.own) {
    lines.push(`held-out own labels (n=${report.own.records}):`);
    lines.push(`  candidate ${report.candidate.name}  APGR ${est(report.own.a)}`);
    lines.push(`  active    ${report.active.name}  APGR ${est(report.own.b)}`);
    lines.push(`  dAPGR (candidate - active) ${est(report.own.delta)} (paired bootstrap, ${report.own.used} resamples)`);
  } else {
    lines.push('held-out own labels: none');
  }
  for (const [source, f] of Object.entries(report.public)) {
    lines.push(`public ${source} test (n=${f.records}): candidate APGR ${est(f.candidate)} | active APGR ${est(f.active)}`);
  }
  lines.push(`gate: ${describeRule(report.rule)}`);
  lines.push(promotedId ? `PROMOTED ${promotedId}: ${report.verdict.reason}` : `REJECTED: ${report.verdict.reason}; candidate kept at ${kept}`);
  return `${lines.join('\n')}\n`;
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      db: { type: 'string' }, config: { type: 'string' }, router: { type: 'string' }, labels: { type: 'string' },
      since: { type: 'string' }, 'min-confidence': { type: 'string' }, 'data-dir': { type: 'string', default: 'training-data' },
      sources: { type: 'string' }, 'own-weight': { type: 'string' }, margin: { type: 'string' }, 'min-test': { type: 'string' },
      'public-eval': { type: 'string' }, bootstrap: { type: 'string' }, seed: { type: 'string' }, 'versions-dir': { type: 'string' },
      'models-dir': { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const env = processEnv();
  const log = values.json ? () => {} : (line: string) => process.stderr.write(`${line}\n`);
  const rule: GateRule = {
    ...DEFAULT_GATE_RULE,
    margin: numberFlag(values.margin, 'margin', DEFAULT_GATE_RULE.margin, (n) => n >= 0 && n < 1),
    minTest: numberFlag(values['min-test'], 'min-test', DEFAULT_GATE_RULE.minTest, (n) => Number.isInteger(n) && n >= 1),
  };
  const resamples = numberFlag(values.bootstrap, 'bootstrap', 1000, (n) => Number.isInteger(n) && n >= 10);
  const seed = numberFlag(values.seed, 'seed', 1, Number.isInteger);
  const ownWeight = numberFlag(values['own-weight'], 'own-weight', 1, (n) => n > 0);
  const since = parseSince(values.since);
  const minConfidence = parseConfidence(values['min-confidence']);
  const sources = values.sources === 'none' ? [] : (values.sources ?? DEFAULT_RETRAIN_SOURCES.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  const { config } = loadConfig({ ...(values.config ? { file: values.config } : {}), env });
  const routerName = values.router ?? config.defaultRouter;
  const router = config.routers[routerName];
  if (!router) throw new UsageError(`no router "${routerName}" in the config`);
  if (router.scorer !== 'learned') throw new UsageError(`router ${routerName} uses the ${router.scorer} scorer; only learned scorers are retrained`);
  const line = router.model ?? DEFAULT_SCORER_MODEL;
  const dataDir = resolve(values['data-dir']);
  const dbPath = logPath(values.db, env);
  const store = await openLog(dbPath, env);
  try {
    let own: LabelledRecord[];
    if (values.labels) {
      own = (await readRecords(values.labels)).map((r) => ({ ...r, source: OWN_TRAFFIC_SOURCE }));
      log(`${own.length} own label(s) from ${values.labels}`);
    } else {
      const exported = await readOwnLabels(store, config, { ...(since !== undefined ? { since } : {}), ...(minConfidence !== undefined ? { minConfidence } : {}) });
      own = exported.records;
      log(describeExport(exported.stats));
    }
    const configured = configPair(config, routerName);
    const ownPair = configured && own.some((r) => r.scores[configured.strong] !== undefined && r.scores[configured.weak] !== undefined)
      ? configured
      : own.length > 0 ? mostCommonPair(own) : (configured ?? { strong: 'strong', weak: 'weak' });
    own = own.filter((r) => r.scores[ownPair.strong] !== undefined && r.scores[ownPair.weak] !== undefined);
    const ownTest = own.filter((r) => r.split === 'test');
    log(`own labels for ${ownPair.strong} vs ${ownPair.weak}: ${own.length} (train ${own.length - ownTest.length}, held-out test ${ownTest.length})`);

    const activeVersion = store.activeModelVersions().find((v) => v.line === line);
    const shippedDir = resolveModelDir({ name: line, ...(values['models-dir'] ? { modelsDir: values['models-dir'] } : { modelsDir: DEFAULT_MODELS_DIR }) });
    const activeDir = activeVersion?.dir ?? shippedDir;
    const shippedVersion = existsSync(join(shippedDir, 'meta.json')) ? (await readModelMeta(shippedDir)).version : 0;
    const known = await store.modelVersions({ line });
    const version = Math.max(shippedVersion, ...known.map((v) => v.version), (await readModelMeta(activeDir)).version) + 1;
    // Beside a SQLite log; in the working folder when the log is a Postgres URL.
    const logDir = parseStoreTarget(dbPath).kind === 'sqlite' ? dirname(resolve(dbPath)) : resolve('.');
    const versionsDir = resolve(values['versions-dir'] ?? join(logDir, 'model-versions'));
    const candidateDir = join(versionsDir, line, `v${version}`);
    const id = modelVersionId(line, version);
    log(`training candidate ${id} on ${[...sources, ...(own.length > ownTest.length ? [OWN_TRAFFIC_SOURCE] : [])].join(', ') || 'nothing'} -> ${candidateDir}`);
    const trained = await trainCandidate({
      own, ownPair, publicPair: { strong: STRONG_MODEL, weak: WEAK_MODEL }, dataDir, publicSources: sources,
      line, version, candidateDir, activeDir, ownWeight, log,
    });
    const evalSources = values['public-eval'] === 'none' ? [] : (values['public-eval']?.split(',').map((s) => s.trim()).filter(Boolean) ?? [...sources, MT_BENCH_SOURCE]);
    const publicTests = [];
    for (const source of evalSources) {
      const file = join(dataDir, `${source}.jsonl`);
      if (!existsSync(file)) continue;
      publicTests.push({ source, records: (await readRecords(file)).filter((r) => r.split === 'test'), pair: { strong: STRONG_MODEL, weak: WEAK_MODEL } });
    }
    const report = await evaluateAndGate({ candidateDir, activeDir, ownTest, ownPair, publicTests, rule, resamples, seed });
    const promote = report.verdict.promote && !values['dry-run'];
    const full = { id, line, version, trainRecords: trained.trainRecords, ownLabels: { total: own.length, test: ownTest.length, pair: ownPair }, ...report };
    await writeFile(join(candidateDir, 'gate.json'), `${JSON.stringify(full, null, 2)}\n`, 'utf8');
    if (!values['dry-run']) {
      const row: ModelVersion = {
        id, line, version, dir: candidateDir, createdAt: Date.now(), status: report.verdict.promote ? 'promoted' : 'rejected',
        reason: report.verdict.reason, report: JSON.parse(JSON.stringify(full)) as Record<string, unknown>, activatedAt: null, rolledBackAt: null,
      };
      await store.saveModelVersion(row);
      if (promote) await store.activateModelVersion(id);
    }
    if (values.json) process.stdout.write(`${JSON.stringify({ ...full, promoted: promote, dryRun: values['dry-run'] }, null, 2)}\n`);
    else process.stdout.write(formatReport(report, promote ? id : null, candidateDir) + (values['dry-run'] && report.verdict.promote ? '(dry run: nothing recorded or activated)\n' : ''));
    return 0;
  } finally {
    await store.close();
  }
}
