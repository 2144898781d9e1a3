// `triage route "<prompt>"`: prints the routing decision as JSON; calls no upstream, needs no key.

import { parseArgs } from 'node:util';
import { processEnv } from '../config/env.ts';
import { loadConfig } from '../config/load.ts';
import type { ChatRequest } from '../protocol/chat.ts';
import { decide } from '../routing/decide.ts';
import { resolveTarget } from '../routing/targets.ts';
import { createScorerPool, defaultScorerFactory, type ScorerPool, type ScorerSpec } from '../scoring/pool.ts';
import { UsageError } from './usage-error.ts';

export const help = `Usage: triage route [--router NAME | --model NAME] [--mode MODE] [--config FILE] "<prompt>"

Prints the decision for a prompt as JSON (router, tier, model, score, threshold, reason). The scorer is
loaded and warmed first, as in a running gateway: decisionMs is the decision alone, loadMs the load.
  --router NAME   router to use (default: the config's default router)
  --model NAME    any name the gateway accepts in "model" (e.g. router-random-0.3)
  --mode MODE     mode signal, as a client would send in x-triage-mode
  --system TEXT   a system prompt to include
  --config FILE   YAML or JSON config (default: ./triage.config.yaml when present, else built-in)
`;

/** Loads the router's scorer and scores one throw-away prompt; a load failure is left for decide() to report. */
async function warmScorer(scorers: ScorerPool, spec: ScorerSpec): Promise<void> {
  try {
    const scorer = await scorers.get(spec);
    await scorer.score({ model: 'triage-warm-up', messages: [{ role: 'user', content: 'warm-up' }] });
  } catch {
    // decide() asks the pool again and logs the reason (scorer-error) in the decision.
  }
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      router: { type: 'string' },
      model: { type: 'string' },
      mode: { type: 'string' },
      system: { type: 'string' },
      config: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const prompt = positionals.join(' ').trim();
  if (!prompt) throw new UsageError('give a prompt, e.g. triage route "Prove that sqrt(2) is irrational"');
  const { config } = loadConfig({ file: values.config, env: processEnv() });
  const model = values.model ?? (values.router ? `triage/${values.router}` : 'triage');
  const target = resolveTarget(config, model);
  if (target.kind !== 'router') throw new UsageError(`"${model}" is a model, not a router: nothing to decide`);
  const request: ChatRequest = {
    model,
    messages: [...(values.system ? [{ role: 'system' as const, content: values.system }] : []), { role: 'user', content: prompt }],
  };
  const scorers = createScorerPool(defaultScorerFactory());
  try {
    // Load and warm the scorer first, as a running gateway has: the scoring budget (scoreTimeoutMs)
    // is for scoring, and model loading on a cold start must not turn the decision into a timeout.
    const loadStarted = performance.now();
    await warmScorer(scorers, target.router);
    const loadMs = performance.now() - loadStarted;
    const decision = await decide({ request, routerName: target.name, router: target.router, scorers, mode: values.mode ?? null });
    const modelId = config.models[decision.modelAlias]?.id ?? null;
    const output = { ...decision, modelId, decisionMs: Number(decision.decisionMs.toFixed(3)), loadMs: Number(loadMs.toFixed(1)) };
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return 0;
  } finally {
    await scorers.closeAll();
  }
}
