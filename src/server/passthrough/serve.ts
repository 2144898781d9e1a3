// The engine behind /v1/embeddings, /v1/completions and /v1/responses: validate the body, resolve
// `model` (routers only where the endpoint allows them), decide through prepare() on a chat-shaped
// view of the prompt, forward the body with `model` replaced, answer (JSON or SSE passed through),
// and log one row with tokens and cost. Each endpoint is a PassThroughEndpoint value (routes/*.ts).

import type { Context } from 'hono';
import type { z } from 'zod';
import { resolveTarget, UnknownModelError, validModelNames, type RouteTarget } from '../../routing/targets.ts';
import type { GatewayContext } from '../context.ts';
import { GatewayError, errorResponse, invalidRequest } from '../errors.ts';
import { decisionHeaders, prepare } from '../prepare.ts';
import { callAttempts, upstreamError, type Outcome } from './attempts.ts';
import type { PassThroughEndpoint } from './endpoint.ts';
import { applyUsage, finish, logRejected, noteServed } from './row.ts';
import { streamResponse } from './stream.ts';

function bearer(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match?.[1]?.trim();
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
