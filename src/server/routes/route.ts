// POST /v1/route: the decision for a Chat Completions body, without calling any upstream.

import type { Context } from 'hono';
import type { GatewayContext } from '../context.ts';
import { decisionHeaders, prepare } from '../prepare.ts';

export async function handleRoute(ctx: GatewayContext, c: Context): Promise<Response> {
  const done = ctx.inflight.begin();
  try {
    return await answerRoute(ctx, c);
  } finally {
    done();
  }
}

async function answerRoute(ctx: GatewayContext, c: Context): Promise<Response> {
  const receivedAt = Date.now();
  const startedMs = performance.now();
  const prepared = await prepare(
    ctx,
    'route',
    await c.req.text(),
    { tags: c.req.header('x-triage-tags'), mode: c.req.header('x-triage-mode') },
    receivedAt,
    startedMs,
  );
  const { record, decision } = prepared;
  record.status = 200;
  record.latencyMs = performance.now() - startedMs;
  ctx.store.log(record);
  ctx.metrics.requests.inc({ router: record.router ?? 'none', model: record.modelAlias ?? 'none', status: 'route' });
  const body = {
    id: prepared.id,
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
    decision_ms: decision ? Number(decision.decisionMs.toFixed(3)) : 0,
    details: decision?.details ?? {},
  };
  return c.json(body, 200, decisionHeaders(prepared, null));
}
