// What a stored gateway key allows, applied to one routed request: only its listed models, its
// tags on the row (over the caller's own), and its spend limit, by reserving the request's worst
// case before the upstream call and settling the real cost when the Exchange ends.

import { own } from '../config/lookup.ts';
import { worstCaseCostUsd } from '../routing/cost.ts';
import type { GatewayContext } from './context.ts';
import { GatewayError } from './errors.ts';
import type { Exchange } from './exchange.ts';
import type { Caller } from './gateway-keys.ts';
import type { Prepared } from './prepare.ts';

function maxTokensOf(request: Prepared['request']): number | undefined {
  for (const field of ['max_completion_tokens', 'max_tokens'] as const) {
    const value = own(request, field);
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  }
  return undefined;
}

export async function applyCallerPolicy(ctx: GatewayContext, exchange: Exchange, prepared: Prepared, caller: Caller | null, bodyChars: number): Promise<void> {
  const key = caller?.key;
  if (!caller || !key) return;
  exchange.record.tags = { ...exchange.record.tags, ...key.tags };
  if (key.models !== null && !key.models.includes(prepared.request.model)) {
    throw new GatewayError(403, `this key may not use model "${prepared.request.model}"; allowed: ${key.models.join(', ')}`, 'permission_error', 'model_not_allowed', 'model');
  }
  if (key.budget === null) return;
  const prices = prepared.attempts.flatMap((attempt) => attempt.model.deployments.map((d) => d.pricePerMTok ?? attempt.model.pricePerMTok));
  const worst = worstCaseCostUsd(bodyChars, maxTokensOf(prepared.request), prices);
  const lease = await ctx.keys.reserve(caller, worst);
  if (!lease) {
    const left = ctx.keys.remaining(caller) ?? 0;
    throw new GatewayError(
      429,
      `this key's spend limit of $${key.budget.usd} per ${key.budget.period} is used up ($${left.toFixed(4)} left, this request may cost up to $${worst.toFixed(4)}); it resets at the start of the next ${key.budget.period} (UTC)`,
      'insufficient_quota',
      'key_budget_exhausted',
    );
  }
  exchange.onEnd((record) => lease.settle(record.costUsd ?? 0));
}
