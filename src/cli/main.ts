// The `triage` command: dispatches to one module per command (each exports `help` and `run`).
// Exit codes: 0 success, 1 runtime error, 2 usage error (also a bare `triage`, which prints help to stderr).

import { readFileSync } from 'node:fs';
import { isUsageError } from './usage-error.ts';

interface Command {
  help: string;
  run(args: string[]): Promise<number>;
}

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  serve: { summary: 'run the OpenAI-compatible gateway', load: () => import('./serve.ts') },
  route: { summary: 'print the routing decision for a prompt (calls no upstream)', load: () => import('./route.ts') },
  data: { summary: 'fetch, verify and normalise labelled data', load: () => import('./data.ts') },
  train: { summary: 'train a learned scorer and export it to ONNX', load: () => import('./train.ts') },
  eval: { summary: 'evaluate scorers (APGR, CPT, AUC) on held-out benchmarks', load: () => import('./eval.ts') },
  keys: { summary: 'create, list or revoke gateway keys (tags, spend limits, allowed models)', load: () => import('./keys.ts') },
  report: { summary: 'spend, tokens, strong share and the all-strong saving from the decision log, per group', load: () => import('./report.ts') },
  calibrate: { summary: 'fit a router threshold to a strong share, budget or quality target; list, roll back', load: () => import('./calibrate.ts') },
  replay: { summary: 'what-if on logged traffic: another threshold, share or scorer model', load: () => import('./replay.ts') },
  drift: { summary: 'compare live scores with the active calibration (PSI, KS): recalibrate or retrain?', load: () => import('./drift.ts') },
  targets: { summary: 'how well each router held its target (live share, budget pace)', load: () => import('./targets.ts') },
  models: { summary: 'list local models and scorer versions; activate, roll back; pull an embedder', load: () => import('./models.ts') },
  retrain: { summary: 'train a candidate scorer on public + own labels; promote it only past the regression gate', load: () => import('./retrain.ts') },
  db: { summary: 'schema migrations (status, migrate), copy a log to another store (SQLite -> Postgres), prune', load: () => import('./db.ts') },
  labels: { summary: 'export the team\'s own labels (feedback, shadow verdicts) as labelled JSONL', load: () => import('./labels.ts') },
};

export const usage = `triage — an LLM router: strong model when the prompt needs it, weak model otherwise.

Usage: triage <command> [options]
       triage --version

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`)
  .join('\n')}

Run "triage <command> --help" for a command's options.
`;

/** The package version (package.json sits two folders up from both src/cli and dist/cli). */
export function version(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    process.stderr.write(usage);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  if (name === '--version' || name === '-v' || name === '-V') {
    process.stdout.write(`triage ${version()}\n`);
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`triage: unknown command "${name}"\n\n${usage}`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.help);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (isUsageError(error)) {
      process.stderr.write(`triage ${name}: ${message}\nRun "triage ${name} --help" for its options.\n`);
      return 2;
    }
    process.stderr.write(`triage ${name}: ${message}\n`);
    return 1;
  }
}
