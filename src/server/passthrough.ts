// The engine behind /v1/embeddings, /v1/completions and /v1/responses: validate the body, resolve
// `model` (routers only where the endpoint allows them), decide through prepare() on a chat-shaped
// view of the prompt, forward the body with `model` replaced, answer (JSON or SSE passed through),
// and log one row with tokens and cost. Each endpoint is a PassThroughEndpoint value (routes/*.ts).

import type { Context } from 'hono';
import type { z } from 'zod';
import type { ChatMessage, Usage } from '../protocol/chat.ts';
import type { ForwardResult, ForwardStreamPart, ForwardingProviderAdapter, ProviderAdapter } from '../providers/spec.ts';
import { costUsd } from '../routing/cost.ts';
import { resolveTarget, UnknownModelError, validModelNames, type RouteTarget } from '../routing/targets.ts';
import type { DecisionRecord } from '../store/store.ts';
import type { GatewayContext } from './context.ts';
import { GatewayError, errorResponse, invalidRequest } from './errors.ts';
import { decisionHeaders, newDecisionRecord, prepare, type Prepared } from './prepare.ts';
import { upstreamTarget, type Attempt } from './upstream.ts';

export type PassThroughKind = 'embeddings' | 'completions' | 'responses';

/** What a streamed answer has shown so far. */
export interface StreamState {
  usage: Usage | undefined;
  /** A terminal event arrived ([DONE], a finish_reason, response.completed, ...). */
  complete: boolean;
  /** The upstream reported an error inside the stream (a 200 stream that failed). */
  errorEvent: string | null;
}

export interface PassThroughEndpoint<Body extends Record<string, unknown>> {
  kind: PassThroughKind;
  /** Path under the provider's baseUrl, also used in messages ("/embeddings"). */
  path: string;
  /** Body schema (loose: unknown fields are forwarded untouched). */
  schema: z.ZodType<Body>;
  /** Why a router name is refused, or null when routers are allowed. */
  refuseRouters: string | null;
  /** The prompt as chat turns, for routing, the prompt hash and the structural features. */
  chatView(body: Body): { messages: ChatMessage[]; tools?: unknown[] };
  /** True when the body asks for a stream. */
  wantsStream(body: Body): boolean;
  /** Usage of a JSON answer. */
  usage(body: unknown): Usage | undefined;
  /** Updates the state for one streamed event. */
  observe(part: Extract<ForwardStreamPart, { type: 'event' }>, state: StreamState): void;
  /** The SSE text that ends a stream with a gateway error, in this endpoint's event shape. */
  errorEvent(error: { message: string; type: string; code: string }): string;
}

interface Outcome {
  attempt: Attempt;
  result: ForwardResult;
  retried: boolean;
  firstFailure?: string;
}

const encoder = new TextEncoder();

function bearer(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match?.[1]?.trim();
}

function canForward(adapter: ProviderAdapter): adapter is ForwardingProviderAdapter {
  return 'forward' in adapter && typeof adapter.forward === 'function';
}

function parseBody<Body extends Record<string, unknown>>(text: string, schema: z.ZodType<Body>): Body {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw invalidRequest(`request body is not valid JSON: ${(error as Error).message}`, 'invalid_json');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw invalidRequest('request body must be a JSON object', 'invalid_json');
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const param = issue ? issue.path.map(String).join('.') : null;
    const message = issue ? `${param ? `${param}: ` : ''}${issue.message}` : 'invalid request';
    throw invalidRequest(message, param === 'model' ? 'invalid_model' : 'invalid_value', param);
  }
  return result.data;
}

/** resolveTarget, with names that only exist on Object.prototype ("constructor", "__proto__") refused. */
function resolveOwn(ctx: GatewayContext, model: string): RouteTarget {
  const unknown = () => invalidRequest(new UnknownModelError(model, validModelNames(ctx.config)).message, 'model_not_found', 'model');
  let target: RouteTarget;
  try {
    target = resolveTarget(ctx.config, model);
  } catch (error) {
    if (error instanceof UnknownModelError) throw unknown();
    throw error;
  }
  const own =
    target.kind === 'model'
      ? Object.hasOwn(ctx.config.models, target.alias)
      : Object.hasOwn(ctx.config.routers, target.name) || (target.name === model && model.startsWith('router-'));
  if (!own) throw unknown();
  return target;
}

function logRejected(ctx: GatewayContext, kind: PassThroughKind, error: GatewayError, receivedAt: number, startedMs: number): void {
  const record = newDecisionRecord(kind, receivedAt);
  record.status = error.status;
  record.error = error.message;
  record.reason = 'rejected';
  record.latencyMs = performance.now() - startedMs;
  ctx.store.log(record);
  ctx.metrics.requests.inc({ router: 'none', model: 'none', status: String(error.status) });
}

function applyUsage(ctx: GatewayContext, record: DecisionRecord, attempt: Attempt, usage: Usage | undefined): void {
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

function finish(ctx: GatewayContext, prepared: Prepared, outcome: Outcome | null): void {
  const { record } = prepared;
  record.latencyMs = performance.now() - prepared.startedMs;
  ctx.metrics.requests.inc({ router: record.router ?? 'none', model: record.modelAlias ?? 'none', status: String(record.status) });
  if (outcome) ctx.metrics.upstreamSeconds.observe({ model: outcome.attempt.alias }, record.latencyMs / 1000);
  if (record.ttfbMs !== null && outcome) ctx.metrics.ttfbSeconds.observe({ model: outcome.attempt.alias }, record.ttfbMs / 1000);
  ctx.store.log(record);
}

function noteServed(ctx: GatewayContext, prepared: Prepared, outcome: Outcome): void {
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

function isRetryable(result: ForwardResult): boolean {
  if (result.kind === 'failure') return result.code !== 'aborted' && result.code !== 'invalid_request';
  return result.kind === 'http_error' && result.status >= 500;
}

function describeFailure(result: ForwardResult): string {
  if (result.kind === 'failure') return `${result.code}: ${result.message}`;
  return result.kind === 'http_error' ? `upstream status ${result.status}` : 'ok';
}

async function callAttempts(
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

function upstreamError(outcome: Outcome): GatewayError {
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

/** Serves one request on a pass-through endpoint. */
export async function servePassThrough<Body extends Record<string, unknown>>(ctx: GatewayContext, c: Context, endpoint: PassThroughEndpoint<Body>): Promise<Response> {
  const done = ctx.inflight.begin();
  let handedToStream = false;
  try {
    return await answer(ctx, c, endpoint, done, () => {
      handedToStream = true;
    });
  } finally {
    if (!handedToStream) done();
  }
}

async function answer<Body extends Record<string, unknown>>(
  ctx: GatewayContext,
  c: Context,
  endpoint: PassThroughEndpoint<Body>,
  done: () => void,
  markStreaming: () => void,
): Promise<Response> {
  const receivedAt = Date.now();
  const startedMs = performance.now();
  const bodyText = await c.req.text();
  let body: Body;
  let stream: boolean;
  try {
    body = parseBody(bodyText, endpoint.schema);
    const model = body['model'];
    if (typeof model !== 'string') throw invalidRequest('model is required and must be a string', 'invalid_model', 'model');
    const target = resolveOwn(ctx, model);
    if (target.kind === 'router' && endpoint.refuseRouters !== null) {
      throw invalidRequest(`"${model}" names a router: ${endpoint.refuseRouters}; name a model (${Object.keys(ctx.config.models).join(', ')})`, 'model_not_routable', 'model');
    }
    stream = endpoint.wantsStream(body);
  } catch (error) {
    if (error instanceof GatewayError) logRejected(ctx, endpoint.kind, error, receivedAt, startedMs);
    throw error;
  }

  // prepare() owns tags, mode, the prompt hash, the decision and the rejected-row path: it gets the
  // chat-shaped view of this body (messages always non-empty so that view itself is always valid).
  const view = endpoint.chatView(body);
  const chatLike = {
    model: body['model'],
    messages: view.messages.length > 0 ? view.messages : [{ role: 'user', content: '' }],
    ...(view.tools ? { tools: view.tools } : {}),
    ...(stream ? { stream: true } : {}),
    ...(body['user'] !== undefined ? { user: body['user'] } : {}),
    ...(body['metadata'] !== undefined ? { metadata: body['metadata'] } : {}),
  };
  const prepared = await prepare(
    ctx,
    endpoint.kind,
    JSON.stringify(chatLike),
    { tags: c.req.header('x-triage-tags'), mode: c.req.header('x-triage-mode') },
    receivedAt,
    startedMs,
  );
  const { record } = prepared;
  const upstreamStartedMs = performance.now();
  let outcome: Outcome;
  try {
    outcome = await callAttempts(ctx, prepared, endpoint.path, body, stream, bearer(c.req.header('authorization')), c.req.raw.signal);
  } catch (error) {
    record.status = 500;
    record.error = (error as Error).message;
    finish(ctx, prepared, null);
    throw error;
  }
  noteServed(ctx, prepared, outcome);
  const { result, attempt } = outcome;
  const headers = (passed: Record<string, string>) => ({ ...passed, ...decisionHeaders(prepared, attempt.model.id) });

  switch (result.kind) {
    case 'stream':
      markStreaming();
      return streamResponse(ctx, prepared, outcome, endpoint, result.parts, headers(result.headers), done);
    case 'json':
      record.status = result.status;
      record.ttfbMs = upstreamStartedMs - startedMs + result.ttfbMs;
      applyUsage(ctx, record, attempt, endpoint.usage(result.body));
      finish(ctx, prepared, outcome);
      return new Response(result.text, { status: result.status, headers: { 'content-type': 'application/json', ...headers(result.headers) } });
    case 'http_error':
      if (result.status < 500) {
        // Client errors from the upstream (bad parameters, rate limits, auth) pass through as they are.
        record.status = result.status;
        record.error = `upstream status ${result.status}`;
        record.ttfbMs = upstreamStartedMs - startedMs + result.ttfbMs;
        finish(ctx, prepared, outcome);
        return new Response(result.text, { status: result.status, headers: { 'content-type': 'application/json', ...headers(result.headers) } });
      }
      break;
    case 'failure':
      if (result.code === 'aborted') {
        record.status = 499;
        record.error = 'client closed the request';
        finish(ctx, prepared, outcome);
        return errorResponse(new GatewayError(499, 'client closed the request', 'invalid_request_error', 'client_closed'));
      }
      break;
  }
  const error = upstreamError(outcome);
  record.status = error.status;
  record.error = error.message;
  finish(ctx, prepared, outcome);
  return errorResponse(error, headers(result.kind === 'http_error' ? result.headers : {}));
}

function streamResponse<Body extends Record<string, unknown>>(
  ctx: GatewayContext,
  prepared: Prepared,
  outcome: Outcome,
  endpoint: PassThroughEndpoint<Body>,
  parts: AsyncIterable<ForwardStreamPart>,
  headers: Record<string, string>,
  done: () => void,
): Response {
  const { record } = prepared;
  const iterator = parts[Symbol.asyncIterator]();
  const state: StreamState = { usage: undefined, complete: false, errorEvent: null };
  let finished = false;
  const end = (status: number, error: string | null) => {
    if (finished) return;
    finished = true;
    record.status = status;
    record.error = error;
    applyUsage(ctx, record, outcome.attempt, state.usage);
    finish(ctx, prepared, outcome);
    done();
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: IteratorResult<ForwardStreamPart>;
      try {
        next = await iterator.next();
      } catch (error) {
        next = { done: false, value: { type: 'error', message: (error as Error).message, code: 'bad_response' } };
      }
      const part: ForwardStreamPart = next.done ? { type: 'end' } : next.value;
      switch (part.type) {
        case 'event':
          if (record.ttfbMs === null) record.ttfbMs = performance.now() - prepared.startedMs;
          endpoint.observe(part, state);
          controller.enqueue(encoder.encode(part.raw));
          return;
        case 'end':
          if (!state.complete && state.errorEvent === null) {
            const message = 'upstream closed the stream before the answer finished';
            controller.enqueue(encoder.encode(endpoint.errorEvent({ message, type: 'upstream_error', code: 'upstream_truncated' })));
            controller.close();
            end(502, message);
            return;
          }
          controller.close();
          end(state.errorEvent === null ? 200 : 502, state.errorEvent);
          return;
        case 'error': {
          const timeout = part.code === 'timeout';
          const message = `upstream stream broke: ${part.message}`;
          controller.enqueue(encoder.encode(endpoint.errorEvent({ message, type: timeout ? 'timeout_error' : 'upstream_error', code: `upstream_${part.code}` })));
          controller.close();
          end(timeout ? 504 : 502, message);
          return;
        }
      }
    },
    async cancel() {
      end(499, 'client closed the stream');
      await iterator.return?.();
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...headers,
    },
  });
}

/** Describes an upstream error object for the log (message only, bounded). */
export function describeErrorEvent(error: unknown): string {
  const message = typeof error === 'object' && error !== null && 'message' in error ? error.message : error;
  let text: string;
  try {
    text = typeof message === 'string' ? message : (JSON.stringify(message) ?? 'unknown');
  } catch {
    text = 'unreadable error';
  }
  return `upstream sent an error event: ${text}`.slice(0, 500);
}
