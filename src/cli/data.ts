// `triage data`: fetch, verify and normalise the labelled data sets (fetch), list the known
// sources (list), and validate a user's own labelled JSONL file (check).

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { processEnv } from '../config/env.ts';
import { buildDatasets, type SourceReport } from '../training/data/build.ts';
import { readRecords } from '../training/data/jsonl.ts';
import { DEFAULT_MANIFEST_PATH, readManifest } from '../training/data/manifest.ts';
import { ALL_SOURCES, HUB_SOURCES, MANIFEST_SOURCES, STRONG_MODEL, WEAK_MODEL } from '../training/data/sources/index.ts';
import { summarise } from '../training/data/stats.ts';
import { UsageError } from './usage-error.ts';

export const help = `Usage:
  triage data fetch [--mirror DIR] [--out DIR] [--source a,b] [--offline] [--hub NAME=PATH ...]
  triage data list
  triage data check FILE.jsonl [--strong MODEL] [--weak MODEL]

fetch  Download (or copy from a mirror) every file in the manifest, verify size and sha256,
       convert each source to <out>/<source>.jsonl, and drop from training sets any prompt that is
       held out for testing anywhere. Prints, per source: files verified, records, train/test,
       and label balance (share of prompts where the strong model beats the weak one).
  --mirror DIR     read files from DIR/<owner>/<repo>/<path> instead of the network
                   (default: $TRIAGE_DATA_MIRROR; none = raw.githubusercontent.com)
  --out DIR        output folder (default: training-data); raw files go to DIR/raw
  --source LIST    comma-separated source names (default: every manifest source)
  --offline        never use the network (cached raw files and the mirror only)
  --hub NAME=PATH  a Hugging Face export you downloaded, for a hub source (see list); PATH is a
                   .csv, .jsonl, datasets-server /rows .json page, or a folder of them
  --manifest FILE  manifest TSV (default: the project's training-data/manifest.tsv)
  --base-url URL   base address for downloads (default https://raw.githubusercontent.com)
list   Show the sources, their split rules and where their data comes from.
check  Validate a labelled JSONL file (the format users bring) and print its summary.
`;

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

function reportLine(r: SourceReport, strong: string, weak: string): string {
  const origins = Object.entries(r.origins).map(([k, v]) => `${v} ${k}`).join(', ');
  const b = r.summary.balance;
  return [
    `${r.source}: ${r.files} file(s) verified${origins ? ` (${origins})` : ''}`,
    `  records ${r.summary.records} (train ${r.summary.train}, test ${r.summary.test}), models ${r.summary.models}` +
      (r.droppedLeaks ? `, ${r.droppedLeaks} training record(s) dropped: prompt held out for testing` : ''),
    `  label balance ${strong} vs ${weak}: ${b.paired} paired; strong better ${percent(b.strongWins)}, weak better ${percent(b.weakWins)}, tie ${percent(b.ties)}`,
    `  -> ${r.outFile}`,
  ].join('\n');
}

async function fetchCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      mirror: { type: 'string' },
      out: { type: 'string', default: 'training-data' },
      source: { type: 'string' },
      offline: { type: 'boolean', default: false },
      hub: { type: 'string', multiple: true },
      manifest: { type: 'string' },
      'base-url': { type: 'string' },
    },
    strict: true,
  });
  const hubExports: Record<string, string> = {};
  for (const spec of values.hub ?? []) {
    const at = spec.indexOf('=');
    const name = spec.slice(0, at);
    if (at <= 0 || !HUB_SOURCES.some((s) => s.name === name)) {
      throw new UsageError(`--hub expects NAME=PATH with NAME one of ${HUB_SOURCES.map((s) => s.name).join(', ')}; got "${spec}"`);
    }
    hubExports[name] = resolve(spec.slice(at + 1));
  }
  const mirror = values.mirror ?? processEnv().TRIAGE_DATA_MIRROR;
  const sources = values.source
    ? values.source.split(',').map((s) => s.trim()).filter(Boolean)
    : [...MANIFEST_SOURCES.map((s) => s.name), ...Object.keys(hubExports)];
  const reports = await buildDatasets({
    manifest: await readManifest(values.manifest ?? DEFAULT_MANIFEST_PATH),
    outDir: resolve(values.out),
    sources,
    hubExports,
    fetch: {
      ...(mirror ? { mirror: resolve(mirror) } : {}),
      offline: values.offline,
      ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}),
    },
  });
  for (const r of reports) process.stdout.write(reportLine(r, STRONG_MODEL, WEAK_MODEL) + '\n');
  return 0;
}

function listCommand(): number {
  for (const source of ALL_SOURCES) {
    const origin = source.kind === 'hub'
      ? `Hugging Face ${source.dataset} (bring an export: --hub ${source.name}=PATH)`
      : 'files listed in the manifest';
    process.stdout.write(`${source.name}\n  ${source.description}\n  split: ${source.splitRule}\n  from: ${origin}\n`);
  }
  return 0;
}

async function checkCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { strong: { type: 'string', default: STRONG_MODEL }, weak: { type: 'string', default: WEAK_MODEL } },
    allowPositionals: true,
    strict: true,
  });
  const file = positionals[0];
  if (!file) throw new UsageError('give a JSONL file: triage data check my-labels.jsonl');
  const records = await readRecords(file);
  const s = summarise(records, values.strong, values.weak);
  process.stdout.write(
    `${file}: ${s.records} valid records (train ${s.train}, test ${s.test}), ${s.models} model(s)\n` +
      `  ${values.strong} vs ${values.weak}: ${s.balance.paired} paired; strong better ${percent(s.balance.strongWins)}, ` +
      `weak better ${percent(s.balance.weakWins)}, tie ${percent(s.balance.ties)}\n`,
  );
  return 0;
}

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'fetch') return fetchCommand(rest);
  if (sub === 'list') return listCommand();
  if (sub === 'check') return checkCommand(rest);
  process.stderr.write(help);
  return 2;
}
