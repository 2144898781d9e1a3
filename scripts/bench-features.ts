// Benchmark of input shaping + feature extraction (embedding included) for prompts of about 50,
// 500 and 5,000 tokens and a 100k-token agent conversation: p50/p99 per stage, cold (embedding
// cache off, a fresh prompt each run) and warm (same shaped text, cache hit).
//
//   node --import tsx scripts/bench-features.ts [--embedder glove-100d] [--runs 300] [--json]

import { parseArgs } from 'node:util';
import { createEmbedder } from '../src/embedding/registry.ts';
import type { ChatMessage, ChatRequest } from '../src/protocol/chat.ts';
import { createFeatureExtractor } from '../src/scoring/features/extractor.ts';
import { structuralFeatures } from '../src/scoring/features/structural.ts';
import { shapeInput } from '../src/scoring/shaping.ts';
import { seededRandom } from '../src/eval/prng.ts';

const VOCABULARY = (
  'the a of to and in is that for it as with on be this by from are or an which can how what why ' +
  'function value model data error system question answer time number people water energy market ' +
  'theory history river city language network server request memory process policy student teacher ' +
  'explain compare compute write design improve describe analyse solve translate summarise list ' +
  'quickly carefully large small first second final important different possible simple complex'
).split(' ');


/** About `tokens` tokens (4 characters each) of sentence-like text, different for each seed. */
function text(tokens: number, seed: number): string {
  const next = seededRandom(seed);
  const words: string[] = [];
  let chars = 0;
  while (chars < tokens * 4) {
    const word = VOCABULARY[Math.floor(next() * VOCABULARY.length)] ?? 'the';
    const end = next() < 0.08 ? (next() < 0.3 ? '?' : '.') : '';
    words.push(word + end);
    chars += word.length + end.length + 1;
  }
  return words.join(' ');
}

function prompt(tokens: number, seed: number): ChatRequest {
  return { model: 'triage', messages: [{ role: 'user', content: text(tokens, seed) }] };
}

/**
 * An agent conversation of about `tokens` tokens (system prompt, tool schemas, turns, tool results)
 * ending in a user turn of `lastTurnTokens` tokens.
 */
function conversation(tokens: number, lastTurnTokens: number, seed: number): ChatRequest {
  const messages: ChatMessage[] = [{ role: 'system', content: text(2_000, seed) }];
  let used = 2_000;
  for (let turn = 0; used < tokens; turn++) {
    messages.push({ role: 'user', content: text(200, seed + turn) });
    messages.push({ role: 'assistant', content: null, tool_calls: [{ id: `c${turn}`, type: 'function' }] });
    messages.push({ role: 'tool', tool_call_id: `c${turn}`, content: text(1_500, seed * 7 + turn) });
    messages.push({ role: 'assistant', content: text(300, seed * 13 + turn) });
    used += 2_000;
  }
  messages.push({ role: 'user', content: text(lastTurnTokens, seed * 31) });
  const tools = Array.from({ length: 12 }, (_, i) => ({ type: 'function', function: { name: `tool_${i}`, parameters: {} } }));
  return { model: 'triage', messages, tools };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

interface Summary {
  p50: number;
  p99: number;
}

function summarise(samples: number[]): Summary {
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
}

async function time(runs: number, body: (i: number) => unknown): Promise<Summary> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await body(i);
    samples.push(performance.now() - started);
  }
  return summarise(samples);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      embedder: { type: 'string', default: 'glove-100d' },
      runs: { type: 'string', default: '300' },
      json: { type: 'boolean', default: false },
    },
  });
  const runs = Number(values.runs);
  const embedder = await createEmbedder(values.embedder);
  const cold = await createFeatureExtractor(embedder, { cacheSize: 0 });
  const warm = await createFeatureExtractor(embedder);
  const cases: Array<[string, (seed: number) => ChatRequest]> = [
    ['prompt ~50 tokens', (s) => prompt(50, s)],
    ['prompt ~500 tokens', (s) => prompt(500, s)],
    ['prompt ~5,000 tokens', (s) => prompt(5_000, s)],
    ['100k-token conversation, 500-token last turn', (s) => conversation(100_000, 500, s)],
    ['100k-token conversation, 30-token follow-up', (s) => conversation(100_000, 30, s)],
  ];
  const rows: Record<string, unknown>[] = [];
  for (const [name, make] of cases) {
    const requests = Array.from({ length: runs }, (_, i) => make(i + 1));
    for (let i = 0; i < 20; i++) await cold.extract(make(100_000 + i));
    const shape = await time(runs, (i) => shapeInput(requests[i] as ChatRequest));
    const shapedAll = requests.map((r) => shapeInput(r));
    const structural = await time(runs, (i) => structuralFeatures(shapedAll[i] as ReturnType<typeof shapeInput>));
    const extractCold = await time(runs, (i) => cold.extract(requests[i] as ChatRequest));
    const first = requests[0] as ChatRequest;
    await warm.extract(first);
    const extractWarm = await time(runs, () => warm.extract(first));
    rows.push({
      case: name,
      chars: JSON.stringify(first.messages).length,
      shaped_chars: shapeInput(first).text.length,
      shape_ms: shape,
      structural_ms: structural,
      extract_cold_ms: extractCold,
      extract_cached_ms: extractWarm,
    });
  }
  await embedder.close();
  if (values.json) {
    console.log(JSON.stringify({ embedder: embedder.id, runs, rows }, null, 2));
    return;
  }
  const fmt = (s: unknown): string => {
    const { p50, p99 } = s as Summary;
    return `${p50.toFixed(3)} / ${p99.toFixed(3)}`;
  };
  console.log(`embedder ${embedder.id}, ${runs} runs per case; figures are p50 / p99 in ms`);
  console.log(['case', 'request chars', 'embedded chars', 'shape', 'structural', 'extract (cold)', 'extract (cached)'].join(' | '));
  for (const row of rows) {
    console.log(
      [row['case'], row['chars'], row['shaped_chars'], fmt(row['shape_ms']), fmt(row['structural_ms']), fmt(row['extract_cold_ms']), fmt(row['extract_cached_ms'])].join(' | '),
    );
  }
}

await main();
