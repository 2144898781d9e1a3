// `triage models list|activate|rollback|register|pull`: lists the model folders under models/ with
// their kind and the scorer versions in the decision log (retrain candidates, promoted or rejected
// with the reason, and which is active); activates or rolls back a version (a running gateway
// swaps to it within seconds); registers a folder as a version; pulls an embedding model folder
// (config, tokenizer, ONNX) from the Hugging Face hub.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readModelFolder } from '../embedding/model-folder.ts';
import { DEFAULT_HUB_URL, pullModel } from '../embedding/pull.ts';
import { DEFAULT_EMBEDDERS_DIR, DEFAULT_MODELS_DIR } from '../embedding/registry.ts';
import { processEnv } from '../config/env.ts';
import { logExists, logPath, openLog } from './log-file.ts';
import { versionCommand, versionsTable } from './model-versions.ts';

export const help = `Usage:
  triage models list [--dir <models folder>] [--db FILE] [--line NAME]
  triage models activate <version id> [--db FILE]
  triage models rollback [<line>] [--db FILE]
  triage models register <folder> [--line NAME] [--activate] [--db FILE]
  triage models pull <hub-id> [--revision main] [--dir <embedders folder>] [--name <folder>]
                     [--quantized] [--force] [--base-url <hub url>]

list   Prints each model folder under models/ (default: ${DEFAULT_MODELS_DIR}) with its kind:
       "embedder:word-vectors", "embedder:transformers" or "scorer"; then, when the decision log
       exists (--db, else $TRIAGE_DB, else triage.db), the scorer versions per model line
       (a line is the name routers give as \`model\`, "default" when omitted): promoted or rejected
       by \`triage retrain\` with the gate's reason, and which one is active.
activate  Makes a version its line's active one. A running gateway using that line swaps to it
       within a few seconds, without a restart and without failing a request.
rollback  Rolls back the line's active version (default line "default"): the version activated
       before it serves again, or the line's shipped folder when there is none.
register  Records a trained model folder (\`triage train\`) as the next version of a line
       (default "default"), so it can be activated (--activate does so at once).
pull   Downloads config.json, tokenizer.json, tokenizer_config.json, special_tokens_map.json and
       onnx/model.onnx (with --quantized also onnx/model_quantized.onnx) of a hub model into
       <dir>/<name> (default dir: ${DEFAULT_EMBEDDERS_DIR}; default name: the last part of the id).
       Use it afterwards with the embedder spec "transformers:<name>". Needs internet access to
       ${DEFAULT_HUB_URL} unless --base-url points elsewhere.
`;

interface ListedFolder {
  path: string;
  kind: string;
  megabytes: number;
  detail: string;
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(path) : statSync(path).size;
  }
  return total;
}

function scorerDetail(metaPath: string): string | undefined {
  const meta: unknown = JSON.parse(readFileSync(metaPath, 'utf8'));
  if (typeof meta !== 'object' || meta === null || !('format' in meta) || meta.format !== 'triage-scorer') return undefined;
  const embedder = 'embedder' in meta && typeof meta.embedder === 'object' && meta.embedder !== null && 'spec' in meta.embedder ? String(meta.embedder.spec) : '?';
  return `embedder ${embedder}`;
}

/** Model folders at or below `dir` (a folder that is a model is not searched further). */
function findModelFolders(root: string, dir: string, depth: number): ListedFolder[] {
  const metaPath = join(dir, 'meta.json');
  if (existsSync(metaPath)) {
    const detail = scorerDetail(metaPath);
    if (detail !== undefined) return [{ path: relative(root, dir), kind: 'scorer', megabytes: folderBytes(dir) / 1e6, detail }];
  }
  if (existsSync(join(dir, 'config.json')) && existsSync(join(dir, 'tokenizer.json'))) {
    const info = readModelFolder(dir);
    const detail = info.kind === 'word-vectors' ? `spec local:${dir}` : `spec transformers:${dir}`;
    return [{ path: relative(root, dir), kind: `embedder:${info.kind}`, megabytes: folderBytes(dir) / 1e6, detail }];
  }
  if (depth === 0) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => findModelFolders(root, join(dir, entry.name), depth - 1));
}

async function list(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { dir: { type: 'string', default: DEFAULT_MODELS_DIR }, db: { type: 'string' }, line: { type: 'string' } } });
  const root = resolve(values.dir);
  const dbPath = logPath(values.db, processEnv());
  if (logExists(dbPath)) {
    const store = await openLog(dbPath, processEnv());
    try {
      process.stdout.write(versionsTable(await store.modelVersions(values.line ? { line: values.line } : {}), store.activeModelVersions()));
    } finally {
      await store.close();
    }
  } else if (values.db) {
    throw new Error(`no decision log at ${dbPath}`);
  }
  if (!existsSync(root)) {
    process.stderr.write(`no models folder at ${root}\n`);
    return 1;
  }
  const folders = findModelFolders(root, root, 3);
  if (folders.length === 0) {
    process.stdout.write(`no model folders under ${root}\n`);
    return 0;
  }
  const width = Math.max(...folders.map((folder) => folder.path.length), 4);
  process.stdout.write(`${'path'.padEnd(width)}  ${'kind'.padEnd(22)}  ${'size'.padStart(9)}  detail\n`);
  for (const folder of folders) {
    const size = `${folder.megabytes.toFixed(1)} MB`;
    process.stdout.write(`${folder.path.padEnd(width)}  ${folder.kind.padEnd(22)}  ${size.padStart(9)}  ${folder.detail}\n`);
  }
  return 0;
}

async function pull(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      revision: { type: 'string', default: 'main' },
      dir: { type: 'string', default: DEFAULT_EMBEDDERS_DIR },
      name: { type: 'string' },
      quantized: { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      'base-url': { type: 'string', default: DEFAULT_HUB_URL },
    },
  });
  const [hubId, ...extra] = positionals;
  if (!hubId || extra.length > 0) {
    process.stderr.write(`triage models pull: expected exactly one hub model id\n\n${help}`);
    return 2;
  }
  const result = await pullModel({
    hubId,
    revision: values.revision,
    modelsDir: values.dir,
    name: values.name,
    quantized: values.quantized,
    force: values.force,
    baseUrl: values['base-url'],
    onFile: (file, bytes) => process.stdout.write(`  ${file} (${(bytes / 1e6).toFixed(1)} MB)\n`),
  });
  if (result.skipped.length > 0) process.stdout.write(`  not on the hub, skipped: ${result.skipped.join(', ')}\n`);
  process.stdout.write(`pulled ${hubId}@${values.revision} into ${result.dir}\n`);
  return 0;
}

export async function run(args: string[]): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand === 'list') return list(rest);
  if (subcommand === 'pull') return pull(rest);
  if (subcommand === 'activate' || subcommand === 'rollback' || subcommand === 'register') return versionCommand(subcommand, rest);
  process.stderr.write(`triage models: expected "list", "activate", "rollback", "register" or "pull"\n\n${help}`);
  return 2;
}
