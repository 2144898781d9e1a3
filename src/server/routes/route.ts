// POST /v1/route: the decision for a Chat Completions body, without calling any upstream.

import type { Context } from 'hono';
import type { GatewayContext } from '../context.ts';
import { GatewayError } from '../errors.ts';
import { Exchange } from '../exchange.ts';
import { requestKeyId } from '../middleware/auth.ts';
import { decisionHeaders, prepare } from '../prepare.ts';

export async function handleRoute(ctx: GatewayContext, c: Context): Promise<Response> {
  const exchange = new Exchange(ctx, 'route');
  exchange.record.keyId = requestKeyId(c);
  try {
    return await answerRoute(ctx, c, exchange);
  } catch (error) {
    exchange.end(error instanceof GatewayError ? error.status : 500, error instanceof Error ? error.message : String(error));
    throw error;
  }
}

async function answerRoute(ctx: GatewayContext, c: Context, exchange: Exchange): Promise<Response> {
  const prepared = await prepare(ctx, exchange, await c.req.text(), { tags: c.req.header('x-triage-tags'), mode: c.req.header('x-triage-mode'), session: c.req.header('x-triage-session') });
  const { record } = exchange;
  const { decision } = prepared;
  exchange.end(200, null, 'route');
  const body = {
    id: record.id,
    object: 'triage.decision',
    router: record.router,
    scorer: record.scorer,
    tier: record.tier,
    model: record.modelAlias,
    model_id: record.modelId,
    provider: record.provider,
    score: record.score,
    threshold: record.threshold,
    reason: record.reason,
    mode: record.mode,
    task_type: record.taskType,
    fallback_used: record.fallbackUsed,
    fallbacks: prepared.attempts.slice(1).map((attempt) => attempt.alias),
    // The ladder rung (0 = strongest) of how many, and the agent signal that decided, if any.
    rung: decision?.rung ?? null,
    rungs: decision?.rungs ?? null,
    signal: decision?.signal ?? null,
    decision_ms: decision ? Number(decision.decisionMs.toFixed(3)) : 0,
    details: decision?.details ?? {},
    warnings: prepared.warnings,
  };
  return c.json(body, 200, decisionHeaders(exchange, prepared.warnings));
}
