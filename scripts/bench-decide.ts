// `npm run bench:decide`: decision time of the learned scorer (shaping + embedding + features +
// ONNX) for prompts of about 50, 500 and 5,000 tokens and a 100k-token conversation (p50/p99,
// every prompt distinct so the embedding cache never hits, plus a repeated-context case that
// does), throughput with 1, 8 and 32 concurrent requests with and without micro-batching, and
// resident memory after loading the default model, and the live share controller's cost per
// request (read the threshold, observe the decision; window 500 and 5,000). Prints a table.
//
//   node --import tsx scripts/bench-decide.ts [--model default] [--models-dir DIR] [--quick] [--json]

import { parseArgs } from 'node:util';
import type { ChatMessage, ChatRequest } from '../src/protocol/chat.ts';
import { createLearnedScorer, type LearnedScorer } from '../src/scoring/learned.ts';
import { seededRandom } from '../src/eval/prng.ts';
import { ShareController } from '../src/learning/live/share-controller.ts';

interface ControllerRow {
  window: number;
  requests: number;
  /** Mean cost of threshold() + observe() per request, in microseconds. */
  meanUs: number;
}

/** The share controller's per-request work (threshold read + observe) on a stream of random scores. */
function controllerCost(window: number, requests: number): ControllerRow {
  const controller = new ShareController({ target: 0.3, prior: 0.7, window });
  const random = seededRandom(window);
  const scores = Float64Array.from({ length: requests }, () => random());
  for (let i = 0; i < window; i++) controller.observe(scores[i]!, scores[i]! >= controller.threshold()); // fill the window
  const started = performance.now();
  for (let i = 0; i < requests; i++) {
    const score = scores[i]!;
    controller.observe(score, score >= controller.threshold());
  }
  return { window, requests, meanUs: ((performance.now() - started) * 1000) / requests };
}

const WORDS = (
  'the of and to in is that for it as with was on be by this are or from at which an have not but they his her we ' +
  'can all there been if more when will would who so no time people year way day man thing woman life child world ' +
  'school state family student group country problem hand part place case week company system program question work ' +
  'government number night point home water room mother area money story fact month lot right study book eye job word ' +
  'business issue side kind head house service friend father power hour game line end member law car city community ' +
  'function return value array string integer compute solve equation probability derivative matrix proof theorem ' +
  'explain compare analyse write summarise translate list describe design implement optimise debug test deploy'
).split(' ');


/** About `tokens` tokens of English-like text (~0.75 words per token), unique per seed. */
function text(tokens: number, seed: number): string {
  const random = seededRandom(seed);
  const words: string[] = [`(${seed})`];
  const count = Math.round(tokens * 0.75);
  for (let i = 0; i < count; i++) {
    words.push(WORDS[Math.floor(random() * WORDS.length)] ?? 'the');
    if (i % 14 === 13) words.push('.');
  }
  return words.join(' ');
}

function promptRequest(tokens: number, seed: number): ChatRequest {
  return { model: 'bench', messages: [{ role: 'user', content: text(tokens, seed) }] };
}

/** A 100k-token agent-style conversation: a long system prompt, tools, many turns, a short last question. */
function conversation(totalTokens: number, seed: number): ChatRequest {
  const messages: ChatMessage[] = [{ role: 'system', content: text(3000, seed) }];
  let used = 3000;
  let turn = 0;
  while (used < totalTokens - 500) {
    messages.push({ role: 'user', content: text(400, seed * 1000 + turn) });
    messages.push({ role: 'assistant', content: text(1600, seed * 1000 + turn + 500) });
    used += 2000;
    turn++;
  }
  messages.push({ role: 'user', content: text(60, seed * 7 + 1) });
  return { model: 'bench', messages, tools: [{ type: 'function', function: { name: 'search', description: text(200, seed + 3), parameters: {} } }] };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

interface LatencyRow {
  case: string;
  chars: number;
  n: number;
  p50: number;
  p99: number;
  mean: number;
}

async function latency(scorer: LearnedScorer, name: string, make: (i: number) => ChatRequest, n: number): Promise<LatencyRow> {
  for (let i = 0; i < 5; i++) await scorer.score(make(-1 - i)); // warm-up
  const times: number[] = [];
  // Build every request before timing, so building them (and collecting that garbage) is not timed.
  const requests = Array.from({ length: n }, (_, i) => make(i));
  const chars = requests[0]!.messages.reduce((sum, m) => sum + (typeof m.content === 'string' ? m.content.length : 0), 0);
  for (const request of requests) {
    const started = performance.now();
    await scorer.score(request);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { case: name, chars, n, p50: percentile(times, 0.5), p99: percentile(times, 0.99), mean: times.reduce((a, b) => a + b, 0) / n };
}

interface ThroughputRow {
  concurrency: number;
  batching: boolean;
  perSecond: number;
  p50: number;
  p99: number;
}

async function throughput(scorer: LearnedScorer, concurrency: number, batching: boolean, total: number, seedBase: number): Promise<ThroughputRow> {
  let next = 0;
  const times: number[] = [];
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const request = promptRequest(500, seedBase + i);
      const t = performance.now();
      await scorer.score(request);
      times.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return { concurrency, batching, perSecond: total / seconds, p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const ms = (x: number) => x.toFixed(3);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: 'default' },
      'models-dir': { type: 'string' },
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const scale = values.quick ? 0.2 : 1;
  const count = (n: number) => Math.max(10, Math.round(n * scale));
  const rssBefore = process.memoryUsage().rss;
  const options = { name: values.model, ...(values['models-dir'] ? { modelsDir: values['models-dir'] } : {}) };
  const loadStarted = performance.now();
  const scorer = await createLearnedScorer(options);
  const loadMs = performance.now() - loadStarted;
  await scorer.score(promptRequest(50, 0));
  const rssLoaded = process.memoryUsage().rss;

  const rows: LatencyRow[] = [];
  rows.push(await latency(scorer, '~50-token prompt', (i) => promptRequest(50, 10_000 + i), count(500)));
  rows.push(await latency(scorer, '~500-token prompt', (i) => promptRequest(500, 20_000 + i), count(500)));
  rows.push(await latency(scorer, '~5,000-token prompt', (i) => promptRequest(5000, 30_000 + i), count(200)));
  rows.push(await latency(scorer, '100k-token conversation', (i) => conversation(100_000, 40_000 + i), count(50)));
  const repeated = conversation(100_000, 99);
  rows.push(await latency(scorer, '100k conversation, repeated (cache hit)', () => repeated, count(200)));

  const unbatched = await createLearnedScorer({ ...options, maxBatch: 1 });
  const tput: ThroughputRow[] = [];
  for (const c of [1, 8, 32]) {
    tput.push(await throughput(scorer, c, true, count(1000), 100_000 * c));
    tput.push(await throughput(unbatched, c, false, count(1000), 200_000 * c + 50_000));
  }
  await unbatched.close();
  const rssAfter = process.memoryUsage().rss;
  const controller = [controllerCost(500, count(200_000)), controllerCost(5000, count(200_000))];

  const report = {
    model: scorer.name,
    embedder: scorer.meta.embedder.id,
    features: scorer.extractor.layout.size,
    node: process.version,
    loadMs,
    rss: { beforeLoad: rssBefore, afterLoad: rssLoaded, afterBench: rssAfter },
    latency: rows,
    throughput: tput,
    controller,
  };
  await scorer.close();
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const out: string[] = [];
  out.push(`model ${report.model}, embedder ${report.embedder}, ${report.features} features, node ${report.node}, load ${loadMs.toFixed(0)} ms`);
  out.push('', 'decision time (shaping + embedding + features + ONNX), sequential, distinct prompts unless noted');
  out.push('| case | chars | n | p50 ms | p99 ms | mean ms |', '| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) out.push(`| ${r.case} | ${r.chars} | ${r.n} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.mean)} |`);
  out.push('', 'throughput, ~500-token distinct prompts');
  out.push('| concurrency | micro-batching | decisions/s | p50 ms | p99 ms |', '| --- | --- | --- | --- | --- |');
  for (const t of tput) out.push(`| ${t.concurrency} | ${t.batching ? 'on' : 'off'} | ${t.perSecond.toFixed(0)} | ${ms(t.p50)} | ${ms(t.p99)} |`);
  out.push('', 'live share controller (target strongShare): threshold read + observe, per request');
  out.push('| window | requests | mean µs |', '| --- | --- | --- |');
  for (const c of controller) out.push(`| ${c.window} | ${c.requests} | ${c.meanUs.toFixed(3)} |`);
  out.push('', `resident memory (RSS): ${mb(rssBefore)} before loading, ${mb(rssLoaded)} after loading the model, ${mb(rssAfter)} after the benchmark`);
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();
