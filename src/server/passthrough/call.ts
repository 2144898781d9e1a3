// One pass-through attempt through main's attempt loop (runAttempts): the adapter's forward() for
// the endpoint's path, with a stream peeked to its first real event so a failed start is retried.

import { canForward, type ForwardResult, type ForwardStreamPart, type ProviderAdapter, type UpstreamTarget } from '../../providers/spec.ts';
import type { GatewayContext } from '../context.ts';
import type { Prepared } from '../prepare.ts';
import { runAttempts, type AttemptOutcome } from '../upstream/call.ts';
import { peekParts, type PeekRules } from '../upstream/peek.ts';
import type { PassThroughEndpoint, StreamState } from './endpoint.ts';

function peekRules<Body extends Record<string, unknown>>(endpoint: PassThroughEndpoint<Body>): PeekRules<ForwardStreamPart> {
  return {
    end: { type: 'end' },
    failureOf(part) {
      if (part.type === 'error') return { code: part.code, message: part.message };
      if (part.type === 'end') return { code: 'bad_response', message: 'upstream stream ended before its first event' };
      const state: StreamState = { usage: undefined, complete: false, errorEvent: null };
      endpoint.observe(part, state);
      return state.errorEvent === null ? null : { code: 'bad_response', message: state.errorEvent };
    },
    // Comments and keep-alives show the client nothing yet.
    isPreamble: (part) => part.type === 'event' && part.data === null,
  };
}

async function forwardAttempt<Body extends Record<string, unknown>>(
  adapter: ProviderAdapter,
  target: UpstreamTarget,
  endpoint: PassThroughEndpoint<Body>,
  body: Body,
  stream: boolean,
  signal: AbortSignal,
): Promise<ForwardResult> {
  if (!canForward(adapter)) return { kind: 'failure', code: 'invalid_request', message: `provider kind ${adapter.kind} cannot forward ${endpoint.path}`, warnings: [] };
  const result = await adapter.forward({ target, path: endpoint.path, body, stream, signal });
  if (result.kind !== 'stream') return result;
  const peeked = await peekParts(result.parts, peekRules(endpoint));
  if (peeked.failure !== null) return { kind: 'failure', code: peeked.failure.code, message: peeked.failure.message, warnings: [] };
  return { ...result, parts: peeked.parts };
}

export function forwardUpstream<Body extends Record<string, unknown>>(
  ctx: GatewayContext,
  prepared: Prepared,
  endpoint: PassThroughEndpoint<Body>,
  body: Body,
  stream: boolean,
  clientKey: string | undefined,
  signal: AbortSignal,
): Promise<AttemptOutcome<ForwardResult>> {
  return runAttempts(ctx, prepared.attempts, clientKey, signal, prepared.retry, (adapter, target) => forwardAttempt(adapter, target, endpoint, body, stream, signal));
}
