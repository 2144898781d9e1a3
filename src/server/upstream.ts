// Calls the upstream for a chosen model: builds the target from config (key from the environment,
// or the client's own key for providers with forwardClientKey when the gateway has no auth), and retries once
// on the other model when the router asks for it and the first upstream failed (5xx, timeout, refused).

import { readSecret } from '../config/env.ts';
import type { ModelConfig } from '../config/types.ts';
import type { ChatRequest } from '../protocol/chat.ts';
import type { UpstreamResult, UpstreamTarget } from '../providers/spec.ts';
import type { GatewayContext } from './context.ts';

export interface Attempt {
  alias: string;
  model: ModelConfig;
}

export interface AttemptOutcome {
  attempt: Attempt;
  result: UpstreamResult;
  /** True when this is not the first attempt. */
  retried: boolean;
  /** Why the first attempt was abandoned, when retried. */
  firstFailure?: string;
}

function target(ctx: GatewayContext, attempt: Attempt, clientKey: string | undefined): UpstreamTarget {
  const provider = ctx.config.providers[attempt.model.provider];
  if (!provider) throw new Error(`model ${attempt.alias} names unknown provider ${attempt.model.provider}`);
  const configuredKey = readSecret(ctx.env, provider.apiKeyEnv);
  // The client's own key goes only to providers that opt in, and only when the gateway has no keys of its own.
  const apiKey = configuredKey ?? (ctx.apiKeys.length === 0 && provider.forwardClientKey ? clientKey : undefined);
  return {
    provider: attempt.model.provider,
    baseUrl: provider.baseUrl,
    apiKey,
    headers: provider.headers,
    modelId: attempt.model.id,
    timeoutMs: provider.timeoutMs ?? ctx.config.server.upstreamTimeoutMs,
  };
}

export function isRetryable(result: UpstreamResult): boolean {
  if (result.kind === 'failure') return result.code !== 'aborted' && result.code !== 'invalid_request';
  return result.kind === 'http_error' && result.status >= 500;
}

export function describeFailure(result: UpstreamResult): string {
  if (result.kind === 'failure') return `${result.code}: ${result.message}`;
  if (result.kind === 'http_error') return `upstream status ${result.status}`;
  return 'ok';
}

export async function callUpstream(
  ctx: GatewayContext,
  attempts: readonly Attempt[],
  request: ChatRequest,
  clientKey: string | undefined,
  signal: AbortSignal | undefined,
): Promise<AttemptOutcome> {
  let firstFailure: string | undefined;
  let last: AttemptOutcome | undefined;
  for (const [index, attempt] of attempts.entries()) {
    const provider = ctx.config.providers[attempt.model.provider];
    const adapter = ctx.provider(provider?.kind ?? 'openai-compatible');
    const result = await adapter.chat({ target: target(ctx, attempt, clientKey), request, signal });
    last = { attempt, result, retried: index > 0, firstFailure };
    if (!isRetryable(result) || index === attempts.length - 1) return last;
    firstFailure = describeFailure(result);
    ctx.log.warn('upstream_failed_retrying', { model: attempt.alias, failure: firstFailure });
  }
  if (!last) throw new Error('no upstream attempt to make');
  return last;
}

/** The upstream target for one attempt (key from the environment, or the client's for opted-in providers). */
export function upstreamTarget(ctx: GatewayContext, attempt: Attempt, clientKey: string | undefined): UpstreamTarget {
  return target(ctx, attempt, clientKey);
}
