// Prints what the Anthropic translation costs per request on a Claude Code tool-loop transcript:
// schema parse, Anthropic -> chat, the cross-family fit for an Anthropic and an OpenAI target, and
// chat -> Anthropic body. No network. Run: npm run bench:anthropic
//
//   npm run bench:anthropic -- 5000     (iterations; default 5000, after 500 warm-up runs)

import { readFileSync } from 'node:fs';
import { MessagesRequestSchema } from '../src/protocol/anthropic/messages.ts';
import { anthropicToChat } from '../src/protocol/anthropic/to-chat.ts';
import { fitReasoning } from '../src/protocol/reasoning-fit.ts';
import { anthropicBody } from '../src/providers/anthropic/request.ts';

const raw: unknown = JSON.parse(readFileSync(new URL('../test/fixtures/agent-transcripts/claude-code-tool-loop.json', import.meta.url), 'utf8'));
const iterations = Number(process.argv[2] ?? 5000);

function once(): void {
  const translated = anthropicToChat(MessagesRequestSchema.parse(raw), []);
  const extensions = { anthropic: translated.extras };
  const toClaude = fitReasoning(translated.request, extensions, 'anthropic');
  anthropicBody(toClaude.request, 'claude-sonnet-4-5', toClaude.extensions?.anthropic, new Set());
  fitReasoning(translated.request, extensions, 'openai');
}

for (let i = 0; i < 500; i++) once();
const started = performance.now();
for (let i = 0; i < iterations; i++) once();
const perRequestUs = ((performance.now() - started) / iterations) * 1000;
console.log(`anthropic translation (Claude Code transcript, ${iterations} runs): ${perRequestUs.toFixed(1)} µs per request`);
