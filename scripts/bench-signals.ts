// `node --import tsx scripts/bench-signals.ts [--json]`: what the agent signals, the ladder cuts and
// the session policy add to a decision, per request, without the scorer: readSignals() with every
// signal configured (nothing fires, so all four run), ladderRungs() + rungForScore() on a
// three-rung ladder, and applySessionPolicy() with the cache-aware comparison, for a short prompt
// and a 100k-token agent conversation (the long-context and cache rules walk every message).
// Prints mean microseconds per call.

import { parseArgs } from 'node:util';
import { parseConfig } from '../src/config/load.ts';
import type { ChatMessage, ChatRequest } from '../src/protocol/chat.ts';
import { ladderRungs, rungForScore } from '../src/routing/ladder.ts';
import { applySessionPolicy } from '../src/routing/sessions.ts';
import { readSignals } from '../src/routing/signals.ts';

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false } } });

const config = parseConfig(
  {
    providers: { p: { baseUrl: 'http://127.0.0.1:1/v1' } },
    models: {
      frontier: { provider: 'p', id: 'f', pricePerMTok: { input: 3, output: 15, cachedInput: 0.3 } },
      mid: { provider: 'p', id: 'm', pricePerMTok: { input: 1, output: 4, cachedInput: 0.1 } },
      small: { provider: 'p', id: 's', pricePerMTok: { input: 0.1, output: 0.4 } },
      long: { provider: 'p', id: 'l' },
    },
    routers: {
      default: {
        ladder: [{ model: 'frontier', minScore: 0.8 }, { model: 'mid', minScore: 0.4 }, { model: 'small' }],
        scorer: 'random',
        signals: { background: {}, thinking: {}, longContext: { minPromptTokens: 10_000_000, model: 'long' } },
        sessions: { escalateOnly: { holdTurns: 5 }, cacheAware: {} },
      },
    },
  },
  'bench',
);
const router = config.routers['default']!;
const prices = (alias: string) => config.models[alias]?.pricePerMTok;

function conversation(chars: number): ChatRequest {
  const messages: ChatMessage[] = [{ role: 'system', content: 'x'.repeat(12_000) }];
  let used = 12_000;
  for (let turn = 0; used < chars; turn++) {
    messages.push({ role: 'user', content: `turn ${turn} `.padEnd(1600, 'u') });
    messages.push({ role: 'assistant', content: [{ type: 'text', text: `answer ${turn} `.padEnd(6400, 'a') }] });
    used += 8000;
  }
  messages.push({ role: 'user', content: 'and now fix the test' });
  return { model: 'triage', max_tokens: 32_000, messages, tools: [{ type: 'function', function: { name: 'Bash', parameters: {} } }] };
}

function meanUs(n: number, fn: (i: number) => void): number {
  for (let i = 0; i < Math.min(200, n); i++) fn(i);
  const started = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  return ((performance.now() - started) * 1000) / n;
}

const cases: Array<{ name: string; request: ChatRequest; n: number }> = [
  { name: 'short prompt', request: { model: 'triage', messages: [{ role: 'user', content: 'Is 91 prime?' }] }, n: 200_000 },
  { name: '100k-token conversation', request: conversation(400_000), n: 2_000 },
];
const rows = cases.map(({ name, request, n }) => ({
  case: name,
  messages: request.messages.length,
  signalsUs: meanUs(n, () => readSignals({ request, router, mode: null })),
  ladderUs: meanUs(n, (i) => rungForScore(ladderRungs(router, 0.8), (i % 100) / 100)),
  sessionUs: meanUs(n, () => applySessionPolicy({ router, request, chosen: 2, models: ['frontier', 'mid', 'small'], session: { rung: 1, model: 'mid', holdLeft: 0, idleMs: 1000 }, prices })),
}));

if (values.json) console.log(JSON.stringify(rows, null, 2));
else {
  console.log('case                       messages  signals µs  ladder µs  session µs');
  for (const r of rows) console.log(`${r.case.padEnd(26)} ${String(r.messages).padStart(8)} ${r.signalsUs.toFixed(2).padStart(11)} ${r.ladderUs.toFixed(2).padStart(10)} ${r.sessionUs.toFixed(2).padStart(11)}`);
}
