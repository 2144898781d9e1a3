// The part of a request both /v1/chat/completions and /v1/route share: parse the body, read tags
// and mode, resolve `model` to a router or a model, and decide. Produces the start of the log row.

import { randomUUID } from 'node:crypto';
import type { ModelConfig } from '../config/types.ts';
import type { ChatRequest } from '../protocol/chat.ts';
import { lastUserText, promptHash } from '../protocol/chat.ts';
import { decide, type Decision } from '../routing/decide.ts';
import { resolveTarget, UnknownModelError } from '../routing/targets.ts';
import type { DecisionKind, DecisionRecord } from '../store/store.ts';
import type { GatewayContext } from './context.ts';
import { GatewayError, invalidRequest } from './errors.ts';
import { callerTags, modeSignal, parseChatRequest } from './parse.ts';

export interface Prepared {
  id: string;
  receivedAt: number;
  /** performance.now() at arrival, for latencies. */
  startedMs: number;
  request: ChatRequest;
  /** The chosen model and, when the router allows a retry, the other one. */
  attempts: Array<{ alias: string; model: ModelConfig }>;
  decision: Decision | null;
  /** The log row with everything known before the upstream call. */
  record: DecisionRecord;
}

/** A log row with nothing decided yet. */
function newRecord(kind: DecisionKind, receivedAt: number): DecisionRecord {
  return {
    id: `dec_${randomUUID().replace(/-/g, '')}`,
    createdAt: receivedAt,
    kind,
    router: null,
    scorer: null,
    tags: {},
    mode: null,
    taskType: null,
    promptHash: '',
    promptText: null,
    score: null,
    threshold: null,
    tier: null,
    reason: 'passthrough',
    modelAlias: null,
    modelId: null,
    provider: null,
    fallbackUsed: false,
    stream: false,
    status: 0,
    error: null,
    promptTokens: null,
    completionTokens: null,
    cachedTokens: null,
    costUsd: null,
    decisionMs: null,
    latencyMs: null,
    ttfbMs: null,
  };
}

function readRequest(ctx: GatewayContext, bodyText: string, headers: { tags?: string; mode?: string }) {
  const request = parseChatRequest(bodyText);
  const tags = callerTags(request, headers.tags);
  const mode = modeSignal(request, headers.mode);
  try {
    return { request, tags, mode, target: resolveTarget(ctx.config, request.model) };
  } catch (error) {
    if (error instanceof UnknownModelError) throw invalidRequest(error.message, 'model_not_found', 'model');
    throw error;
  }
}

export async function prepare(
  ctx: GatewayContext,
  kind: DecisionKind,
  bodyText: string,
  headers: { tags?: string; mode?: string },
  receivedAt: number,
  startedMs: number,
): Promise<Prepared> {
  const base = newRecord(kind, receivedAt);
  let read: ReturnType<typeof readRequest>;
  try {
    read = readRequest(ctx, bodyText, headers);
  } catch (error) {
    if (error instanceof GatewayError) {
      // Rejected requests are logged too (one row per request), so failing clients show up in the log.
      base.status = error.status;
      base.error = error.message;
      base.reason = 'rejected';
      base.latencyMs = performance.now() - startedMs;
      ctx.store.log(base);
      ctx.metrics.requests.inc({ router: 'none', model: 'none', status: String(error.status) });
    }
    throw error;
  }
  const { request, tags, mode, target } = read;
  const { id } = base;
  const prompt = lastUserText(request.messages);
  base.tags = tags;
  base.mode = mode;
  base.promptHash = promptHash(prompt);
  base.promptText = ctx.config.server.logPrompts ? prompt : null;
  base.stream = request.stream === true;

  if (target.kind === 'model') {
    const record = { ...base, modelAlias: target.alias, modelId: target.model.id, provider: target.model.provider };
    return { id, receivedAt, startedMs, request, attempts: [{ alias: target.alias, model: target.model }], decision: null, record };
  }

  const decision = await decide({ request, routerName: target.name, router: target.router, scorers: ctx.scorers, mode });
  ctx.metrics.decisionSeconds.observe({ router: target.name }, decision.decisionMs / 1000);
  if (decision.fallbackUsed) ctx.metrics.fallbacks.inc({ router: target.name, reason: decision.reason.split(':')[0] ?? 'scorer' });
  if (decision.fallbackUsed) ctx.log.warn('scorer_fallback', { router: target.name, reason: decision.reason });

  const otherAlias = decision.tier === 'strong' ? target.router.weak : target.router.strong;
  const aliases = target.router.retryOnOtherModel ? [decision.modelAlias, otherAlias] : [decision.modelAlias];
  const attempts = aliases.map((alias) => {
    const model = ctx.config.models[alias];
    if (!model) throw new Error(`router ${target.name} names unknown model ${alias}`);
    return { alias, model };
  });
  const chosen = attempts[0]!;
  const record: DecisionRecord = {
    ...base,
    router: decision.router,
    scorer: decision.scorer,
    taskType: decision.taskType,
    score: decision.score,
    threshold: decision.threshold,
    tier: decision.tier,
    reason: decision.reason,
    modelAlias: chosen.alias,
    modelId: chosen.model.id,
    provider: chosen.model.provider,
    fallbackUsed: decision.fallbackUsed,
    decisionMs: decision.decisionMs,
  };
  return { id, receivedAt, startedMs, request, attempts, decision, record };
}

/** Header values must be visible ASCII: anything else (newlines, unicode from error messages) becomes '?'. */
function headerSafe(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?').slice(0, 512);
}

/** Headers every routed (or passed-through) response carries. */
export function decisionHeaders(prepared: Prepared, servedModelId: string | null, warnings: readonly string[] = []): Record<string, string> {
  const { record } = prepared;
  const headers: Record<string, string> = { 'x-triage-decision-id': prepared.id };
  headers['x-triage-router'] = record.router ?? 'none';
  headers['x-triage-model'] = servedModelId ?? record.modelId ?? 'none';
  headers['x-triage-score'] = record.score === null ? 'none' : record.score.toFixed(6);
  headers['x-triage-threshold'] = record.threshold === null ? 'none' : String(record.threshold);
  headers['x-triage-reason'] = record.reason;
  // Parameters an adapter had to drop or change for its upstream (the spec's warnings channel).
  if (warnings.length > 0) headers['x-triage-warnings'] = warnings.join('; ');
  for (const key of Object.keys(headers)) headers[key] = headerSafe(headers[key]!);
  return headers;
}

/** A blank log row of this kind (for routes that reject a request before prepare() runs). */
export function newDecisionRecord(kind: DecisionKind, receivedAt: number): DecisionRecord {
  return newRecord(kind, receivedAt);
}
