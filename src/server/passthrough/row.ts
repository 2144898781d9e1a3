// The log row of a pass-through request: rejected requests, usage and cost, the served model, and
// the single place that logs the row and counts the request in the metrics.

import type { Usage } from '../../protocol/chat.ts';
import { costUsd } from '../../routing/cost.ts';
import type { DecisionRecord } from '../../store/store.ts';
import type { GatewayContext } from '../context.ts';
import type { GatewayError } from '../errors.ts';
import { newDecisionRecord, type Prepared } from '../prepare.ts';
import type { Attempt } from '../upstream.ts';
import type { Outcome } from './attempts.ts';
import type { PassThroughKind } from './endpoint.ts';

export function logRejected(ctx: GatewayContext, kind: PassThroughKind, error: GatewayError, receivedAt: number, startedMs: number): void {
  const record = newDecisionRecord(kind, receivedAt);
  record.status = error.status;
  record.error = error.message;
  record.reason = 'rejected';
  record.latencyMs = performance.now() - startedMs;
  ctx.store.log(record);
  ctx.metrics.requests.inc({ router: 'none', model: 'none', status: String(error.status) });
}

export function applyUsage(ctx: GatewayContext, record: DecisionRecord, attempt: Attempt, usage: Usage | undefined): void {
  if (!usage) return;
  record.promptTokens = usage.promptTokens;
  record.completionTokens = usage.completionTokens;
  record.cachedTokens = usage.cachedTokens;
  record.costUsd = costUsd(usage, attempt.model.pricePerMTok);
  const model = attempt.alias;
  ctx.metrics.tokens.inc({ model, type: 'prompt' }, usage.promptTokens);
  ctx.metrics.tokens.inc({ model, type: 'completion' }, usage.completionTokens);
  ctx.metrics.tokens.inc({ model, type: 'cached' }, usage.cachedTokens);
  ctx.metrics.cost.inc({ model }, record.costUsd);
}

export function finish(ctx: GatewayContext, prepared: Prepared, outcome: Outcome | null): void {
  const { record } = prepared;
  record.latencyMs = performance.now() - prepared.startedMs;
  ctx.metrics.requests.inc({ router: record.router ?? 'none', model: record.modelAlias ?? 'none', status: String(record.status) });
  if (outcome) ctx.metrics.upstreamSeconds.observe({ model: outcome.attempt.alias }, record.latencyMs / 1000);
  if (record.ttfbMs !== null && outcome) ctx.metrics.ttfbSeconds.observe({ model: outcome.attempt.alias }, record.ttfbMs / 1000);
  ctx.store.log(record);
}

export function noteServed(ctx: GatewayContext, prepared: Prepared, outcome: Outcome): void {
  const { record } = prepared;
  record.modelAlias = outcome.attempt.alias;
  record.modelId = outcome.attempt.model.id;
  record.provider = outcome.attempt.model.provider;
  if (outcome.retried) {
    record.fallbackUsed = true;
    record.tier = record.tier === 'strong' ? 'weak' : 'strong';
    record.reason = `${record.reason}; retried on ${outcome.attempt.alias} after ${outcome.firstFailure ?? 'failure'}`;
    ctx.metrics.fallbacks.inc({ router: record.router ?? 'none', reason: 'upstream' });
  }
}
