// Calling the upstream for a pass-through request: each attempt (the chosen model, then the other
// one when the router allows a retry) goes through the adapter's forward(); failures map to
// OpenAI-shaped gateway errors with chat's statuses (5xx/refused -> 502, timeout -> 504).

import type { ForwardResult, ForwardingProviderAdapter, ProviderAdapter } from '../../providers/spec.ts';
import type { GatewayContext } from '../context.ts';
import { GatewayError } from '../errors.ts';
import type { Prepared } from '../prepare.ts';
import { upstreamTarget, type Attempt } from '../upstream.ts';

export interface Outcome {
  attempt: Attempt;
  result: ForwardResult;
  retried: boolean;
  firstFailure?: string;
}

function canForward(adapter: ProviderAdapter): adapter is ForwardingProviderAdapter {
  return 'forward' in adapter && typeof adapter.forward === 'function';
}

function isRetryable(result: ForwardResult): boolean {
  if (result.kind === 'failure') return result.code !== 'aborted' && result.code !== 'invalid_request';
  return result.kind === 'http_error' && result.status >= 500;
}

function describeFailure(result: ForwardResult): string {
  if (result.kind === 'failure') return `${result.code}: ${result.message}`;
  return result.kind === 'http_error' ? `upstream status ${result.status}` : 'ok';
}

export async function callAttempts(
  ctx: GatewayContext,
  prepared: Prepared,
  path: string,
  body: Record<string, unknown>,
  stream: boolean,
  clientKey: string | undefined,
  signal: AbortSignal,
): Promise<Outcome> {
  let firstFailure: string | undefined;
  let last: Outcome | undefined;
  for (const [index, attempt] of prepared.attempts.entries()) {
    const providerConfig = Object.hasOwn(ctx.config.providers, attempt.model.provider) ? ctx.config.providers[attempt.model.provider] : undefined;
    const adapter = ctx.provider(providerConfig?.kind ?? 'openai-compatible');
    const result: ForwardResult = canForward(adapter)
      ? await adapter.forward({ target: upstreamTarget(ctx, attempt, clientKey), path, body: { ...body, model: attempt.model.id }, stream, signal })
      : { kind: 'failure', code: 'invalid_request', message: `provider kind ${adapter.kind} cannot forward ${path}` };
    last = { attempt, result, retried: index > 0, firstFailure };
    if (!isRetryable(result) || index === prepared.attempts.length - 1) return last;
    firstFailure = describeFailure(result);
    ctx.log.warn('upstream_failed_retrying', { model: attempt.alias, failure: firstFailure });
  }
  if (!last) throw new Error('no upstream attempt to make');
  return last;
}

export function upstreamError(outcome: Outcome): GatewayError {
  const { result, attempt } = outcome;
  if (result.kind === 'failure' && result.code === 'invalid_request') return new GatewayError(400, result.message, 'invalid_request_error', 'invalid_request');
  if (result.kind === 'failure') {
    return result.code === 'timeout'
      ? new GatewayError(504, `upstream ${attempt.alias} timed out: ${result.message}`, 'timeout_error', 'upstream_timeout')
      : new GatewayError(502, `upstream ${attempt.alias} failed: ${result.message}`, 'upstream_error', `upstream_${result.code}`);
  }
  const status = result.kind === 'http_error' ? result.status : 0;
  return new GatewayError(502, `upstream ${attempt.alias} answered with status ${status}`, 'upstream_error', 'upstream_error');
}
