// Measures each embedder on this machine: load time, RSS added by loading, and milliseconds per
// prompt for a short (~80 chars), medium (~500 tokens) and long (~5,000 tokens) prompt, one
// prompt per call. Each embedder runs in its own child process so RSS figures do not mix.
// ONNX Runtime sessions are created with one intra-op thread; CPU/wall shows real thread use.
//
//   node --import tsx scripts/bench-embedders.ts [--runs 200] [--only glove-100d,use-lite]

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { withEmbeddingCache } from '../src/embedding/cache.ts';
import type { Embedder } from '../src/embedding/embedder.ts';
import { createEmbedder, DEFAULT_EMBEDDERS_DIR } from '../src/embedding/registry.ts';
import { createWordVectorEmbedder } from '../src/embedding/word-vectors.ts';

const CASES: Record<string, () => Promise<Embedder>> = {
  'glove-100d (table)': () => createEmbedder('glove-100d'),
  'glove-100d (onnx)': () => createWordVectorEmbedder({ modelDir: `${DEFAULT_EMBEDDERS_DIR}/glove-100d`, engine: 'onnx' }),
  'glove-100d (cache hit)': async () => withEmbeddingCache(await createEmbedder('glove-100d'), { maxEntries: 1000 }),
  'transformers:glove-100d': () => createEmbedder('transformers:glove-100d'),
  'use-lite': () => createEmbedder('use-lite'),
  'hashed-ngrams': () => createEmbedder('hashed-ngrams'),
};

const PARAGRAPH =
  'Please review the following function and explain why the tests fail when the input list is empty. ' +
  'The service reads orders from the queue, groups them by customer, and writes a daily summary to the database. ' +
  'def summarize(orders):\n    totals = {}\n    for order in orders:\n        totals[order.customer] = totals.get(order.customer, 0) + order.amount\n    return max(totals.values())\n' +
  'We also need a short paragraph for the release notes describing the change in plain language for non-technical readers. ';

/** A prompt of about `chars` characters (≈ chars / 4 LLM tokens), different for each `variant`. */
function prompt(chars: number, variant: number): string {
  let text = `Request ${variant}: `;
  while (text.length < chars) text += PARAGRAPH;
  return text.slice(0, chars);
}

const SIZES = [
  { label: '~80 chars', chars: 80 },
  { label: '~500 tokens', chars: 2_000 },
  { label: '~5,000 tokens', chars: 20_000 },
] as const;

interface CaseResult {
  name: string;
  id: string;
  loadMs: number;
  rssAddedMb: number;
  perPrompt: Array<{ label: string; medianMs: number; p95Ms: number; cpuPerWall: number }>;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

async function measureCase(name: string, runs: number): Promise<CaseResult> {
  const create = CASES[name];
  if (!create) throw new Error(`unknown case ${name}`);
  const rssBefore = process.memoryUsage().rss;
  const loadStart = performance.now();
  const embedder = await create();
  const loadMs = performance.now() - loadStart;
  const perPrompt: CaseResult['perPrompt'] = [];
  const cacheHits = name.includes('cache hit');
  for (const size of SIZES) {
    const warmup = Math.min(20, runs);
    for (let i = 0; i < warmup; i++) await embedder.embed([prompt(size.chars, cacheHits ? 0 : -1 - i)]);
    const runsHere = size.chars > 10_000 ? Math.max(10, Math.floor(runs / 4)) : runs;
    const texts = Array.from({ length: runsHere }, (_, i) => prompt(size.chars, cacheHits ? 0 : i));
    const timings: number[] = [];
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    for (const text of texts) {
      const start = performance.now();
      await embedder.embed([text]);
      timings.push(performance.now() - start);
    }
    const wall = performance.now() - wallStart;
    const cpu = process.cpuUsage(cpuStart);
    timings.sort((a, b) => a - b);
    perPrompt.push({
      label: size.label,
      medianMs: percentile(timings, 0.5),
      p95Ms: percentile(timings, 0.95),
      cpuPerWall: (cpu.user + cpu.system) / 1000 / wall,
    });
  }
  const rssAddedMb = (process.memoryUsage().rss - rssBefore) / 1e6;
  const id = embedder.id;
  await embedder.close();
  return { name, id, loadMs, rssAddedMb, perPrompt };
}

function format(result: CaseResult): string {
  const cells = result.perPrompt.map((entry) => `${entry.label}: ${entry.medianMs.toFixed(3)} ms (p95 ${entry.p95Ms.toFixed(3)}, cpu/wall ${entry.cpuPerWall.toFixed(2)})`);
  return `${result.name.padEnd(24)} load ${result.loadMs.toFixed(0).padStart(5)} ms, +RSS ${result.rssAddedMb.toFixed(0).padStart(4)} MB | ${cells.join(' | ')}\n${''.padEnd(24)} id ${result.id}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '200' },
      only: { type: 'string' },
      case: { type: 'string' },
    },
  });
  const runs = Number(values.runs);
  if (values.case) {
    process.stdout.write(JSON.stringify(await measureCase(values.case, runs)));
    return;
  }
  const names = values.only ? values.only.split(',').flatMap((part) => Object.keys(CASES).filter((name) => name.startsWith(part.trim()))) : Object.keys(CASES);
  console.log(`node ${process.version}, ${runs} runs per size (long prompts: runs/4), one prompt per embed() call, medians`);
  for (const name of names) {
    const output = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--case', name, '--runs', String(runs)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    console.log(format(JSON.parse(output) as CaseResult));
  }
}

await main();
