// Calls the upstream for a decision: tries its models in order (the Decision's retry policy) until
// one answers usably, within bounded attempts and an overall deadline. A model with several
// deployments spreads its load by weight, and tries its other deployments next when one fails
// (deployments behind an open breaker go last). A try is abandoned on a
// connection error, a timeout, an unusable answer, a 429 or 5xx, an open circuit breaker, or a
// stream that fails before its first real chunk (nothing has reached the client yet). Keys come
// from the environment, or the client's own key for providers with forwardClientKey when the
// gateway has no keys. The loop is the same for chat and for forwarded paths (embeddings,
// completions, responses): each caller passes its per-attempt call, which returns an UpstreamResult
// or a ForwardResult (a stream already peeked, so a failed start counts as a failure).

import { readSecret } from '../../config/env.ts';
import { modelFamily } from '../../config/family.ts';
import { own } from '../../config/lookup.ts';
import type { Deployment, ModelConfig } from '../../config/types.ts';
import type { ChatExtensions } from '../../protocol/anthropic/extras.ts';
import type { ChatRequest } from '../../protocol/chat.ts';
import { fitReasoning, type FittedRequest } from '../../protocol/reasoning-fit.ts';
import type { RetryPolicy } from '../../routing/decide.ts';
import type { PassThroughHeaders, ProviderAdapter, UpstreamFailure, UpstreamResult, UpstreamTarget } from '../../providers/spec.ts';
import type { GatewayContext } from '../context.ts';
import type { CircuitBreaker } from './breaker.ts';
import { peekStream } from './peek.ts';

export interface Attempt {
  alias: string;
  model: ModelConfig;
}

/** One try: a model alias on one of its deployments. */
export interface DeploymentAttempt extends Attempt {
  deployment: Deployment;
}

/** Weighted random order of a model's deployments; those whose breaker is not closed go last. */
export function deploymentOrder(deployments: readonly Deployment[], isClosed: (provider: string) => boolean, random: () => number = Math.random): Deployment[] {
  if (deployments.length === 1) return [...deployments];
  const pool = [...deployments];
  const ordered: Deployment[] = [];
  while (pool.length > 0) {
    const total = pool.reduce((sum, d) => sum + d.weight, 0);
    let pick = random() * total;
    let index = pool.findIndex((d) => (pick -= d.weight) < 0);
    if (index === -1) index = pool.length - 1;
    ordered.push(...pool.splice(index, 1));
  }
  return [...ordered.filter((d) => isClosed(d.provider)), ...ordered.filter((d) => !isClosed(d.provider))];
}

function expand(ctx: GatewayContext, attempts: readonly Attempt[], limit: number): DeploymentAttempt[] {
  const isClosed = (provider: string) => ctx.breakers.get(provider).state === 'closed';
  const tries: DeploymentAttempt[] = [];
  for (const attempt of attempts) {
    for (const deployment of deploymentOrder(attempt.model.deployments, isClosed)) {
      if (tries.length >= limit) return tries;
      tries.push({ alias: attempt.alias, model: attempt.model, deployment });
    }
  }
  return tries;
}

/** What the attempt loop reads of a result, whichever adapter call made it (chat or forward). */
export type AttemptResult =
  | { kind: 'json' | 'stream' }
  | { kind: 'http_error'; status: number; headers: PassThroughHeaders }
  | UpstreamFailure;

export interface AttemptOutcome<R extends AttemptResult = UpstreamResult> {
  attempt: DeploymentAttempt;
  /** The answer of the attempt that served; for a stream, its parts start with the peeked ones. */
  result: R | UpstreamFailure;
  /** True when this is not the first attempt. */
  retried: boolean;
  /** Why each abandoned attempt was abandoned, in order. */
  failures: string[];
  /** The served attempt's breaker: the stream relay reports a mid-stream failure to it. */
  breaker: CircuitBreaker | undefined;
}

/** The policy for a model named directly (no router): its own deployments only, at most 3 tries. */
export const PASS_THROUGH_POLICY: RetryPolicy = { maxAttempts: 3, deadlineMs: undefined, maxRetryAfterMs: 2000 };

function target(ctx: GatewayContext, attempt: DeploymentAttempt, clientKey: string | undefined, timeoutMs: number | undefined): UpstreamTarget {
  const provider = own(ctx.config.providers, attempt.deployment.provider);
  if (!provider) throw new Error(`model ${attempt.alias} names unknown provider ${attempt.deployment.provider}`);
  const configuredKey = readSecret(ctx.env, provider.apiKeyEnv);
  // The client's own key goes only to providers that opt in, and only when the gateway has no keys of its own.
  const apiKey = configuredKey ?? (!ctx.keys.enabled && provider.forwardClientKey ? clientKey : undefined);
  const providerTimeout = provider.timeoutMs ?? ctx.config.server.upstreamTimeoutMs;
  return {
    provider: attempt.deployment.provider,
    baseUrl: provider.baseUrl,
    apiKey,
    headers: provider.headers,
    modelId: attempt.deployment.id,
    timeoutMs: Math.max(1, Math.min(providerTimeout, timeoutMs ?? providerTimeout)),
    maxResponseBytes: ctx.config.server.maxUpstreamBodyBytes,
  };
}

/** What an attempt's result means: serve it, try the next model, or stop here (not retryable). */
type Verdict = 'serve' | 'retry' | 'final';

function verdictOf(result: AttemptResult): Verdict {
  switch (result.kind) {
    case 'json':
    case 'stream':
      return 'serve';
    case 'http_error':
      return result.status >= 500 || result.status === 429 ? 'retry' : 'final';
    case 'failure':
      return result.code === 'aborted' || result.code === 'invalid_request' ? 'final' : 'retry';
  }
}

/** Whether a result says the provider is unhealthy (for its breaker); null says nothing either way. */
function healthOf(result: AttemptResult): boolean | null {
  if (result.kind === 'failure') return result.code === 'aborted' || result.code === 'invalid_request' || result.code === 'circuit_open' ? null : false;
  if (result.kind === 'http_error') return result.status === 429 ? null : result.status < 500;
  return true;
}

export function describeFailure(result: AttemptResult): string {
  if (result.kind === 'failure') return `${result.code}: ${result.message}`;
  if (result.kind === 'http_error') return `upstream status ${result.status}`;
  return 'ok';
}

/** Retry-After (seconds or an HTTP date) or retry-after-ms of a 429, in milliseconds. */
function retryAfterMs(result: AttemptResult): number {
  if (result.kind !== 'http_error') return 0;
  const ms = Number(result.headers['retry-after-ms']);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = result.headers['retry-after'];
  if (value === undefined) return 0;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : 0;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function circuitOpen(attempt: DeploymentAttempt): UpstreamFailure {
  const message = `${attempt.deployment.provider}: upstream request not sent: circuit breaker open after repeated failures`;
  return { kind: 'failure', code: 'circuit_open', message, warnings: [] };
}

const deadlineFailure: UpstreamFailure = { kind: 'failure', code: 'timeout', message: 'the retry deadline passed before any upstream answered', warnings: [] };

/** One try's call through the adapter, for the target the loop chose (with the remaining deadline in its timeout). */
export type AttemptCall<R extends AttemptResult> = (adapter: ProviderAdapter, target: UpstreamTarget, attempt: DeploymentAttempt) => Promise<R | UpstreamFailure>;

/** A chat attempt: the adapter's chat(), with a stream peeked up to its first real chunk. */
async function chatAttempt(adapter: ProviderAdapter, target: UpstreamTarget, fitted: FittedRequest, signal: AbortSignal | undefined): Promise<UpstreamResult> {
  const { request, extensions, notes } = fitted;
  const answered = await adapter.chat({ target, request, signal, ...(extensions ? { extensions } : {}) });
  // What the cross-family pass removed travels in the warnings channel with what the adapter dropped.
  const result = notes.length > 0 ? { ...answered, warnings: [...notes.map((note) => `reasoning: ${note}`), ...answered.warnings] } : answered;
  if (result.kind !== 'stream') return result;
  const peeked = await peekStream(result.parts);
  if (peeked.failure !== null) return { kind: 'failure', code: peeked.failure.code, message: peeked.failure.message, warnings: result.warnings };
  return { ...result, parts: peeked.parts };
}

export function callUpstream(
  ctx: GatewayContext,
  attempts: readonly Attempt[],
  request: ChatRequest,
  clientKey: string | undefined,
  signal: AbortSignal | undefined,
  policy: RetryPolicy,
  extensions?: ChatExtensions,
): Promise<AttemptOutcome> {
  return runAttempts(ctx, attempts, clientKey, signal, policy, (adapter, target, attempt) => {
    // Each attempt may go to another model family: fit the history's reasoning to the one about to read it.
    const family = modelFamily(attempt.model, own(ctx.config.providers, attempt.deployment.provider));
    return chatAttempt(adapter, target, fitReasoning(request, extensions, family), signal);
  });
}

/** Tries the attempts in order with the policy's bounds, calling `call` for each; see the header. */
export async function runAttempts<R extends AttemptResult>(
  ctx: GatewayContext,
  attempts: readonly Attempt[],
  clientKey: string | undefined,
  signal: AbortSignal | undefined,
  policy: RetryPolicy,
  call: AttemptCall<R>,
): Promise<AttemptOutcome<R>> {
  const deadline = policy.deadlineMs === undefined ? undefined : performance.now() + policy.deadlineMs;
  const tries = expand(ctx, attempts, Math.max(1, policy.maxAttempts));
  const failures: string[] = [];
  let last: AttemptOutcome<R> | undefined;
  for (const [index, attempt] of tries.entries()) {
    const remaining = deadline === undefined ? undefined : deadline - performance.now();
    if (remaining !== undefined && remaining <= 0) return last ?? { attempt, result: deadlineFailure, retried: index > 0, failures, breaker: undefined };
    const provider = own(ctx.config.providers, attempt.deployment.provider);
    const breaker = ctx.breakers.get(attempt.deployment.provider);
    let result: R | UpstreamFailure;
    if (!breaker.tryAcquire()) {
      result = circuitOpen(attempt);
    } else {
      const adapter = ctx.provider(provider?.kind ?? 'openai-compatible');
      result = await call(adapter, target(ctx, attempt, clientKey, remaining), attempt);
      const health = healthOf(result);
      if (health === true) breaker.success();
      else if (health === false) breaker.failure();
      else breaker.release();
    }
    last = { attempt, result, retried: index > 0, failures: [...failures], breaker };
    const next = tries[index + 1];
    if (verdictOf(result) !== 'retry' || next === undefined) return last;
    const failure = describeFailure(result);
    failures.push(`${attempt.alias}: ${failure}`);
    ctx.log.warn('upstream_failed_trying_next', { model: attempt.alias, next: next.alias, failure });
    if (result.kind === 'http_error' && result.status === 429 && next.deployment === attempt.deployment) {
      // The same deployment again: wait as long as it asked, within the policy's bound and the deadline.
      const left = deadline === undefined ? Number.POSITIVE_INFINITY : deadline - performance.now();
      const wait = Math.min(retryAfterMs(result), policy.maxRetryAfterMs, Math.max(0, left));
      if (wait > 0) await sleep(wait, signal);
    }
  }
  if (!last) throw new Error('no upstream attempt to make');
  return last;
}
