// The engine behind /v1/embeddings, /v1/completions and /v1/responses: validate the body, resolve
// `model` (routers only where the endpoint allows them), decide through prepare() on a chat-shaped
// view of the prompt, forward the body with `model` replaced, answer (JSON or SSE passed through),
// and log one row with tokens and cost (the Exchange owns it). Each endpoint is a PassThroughEndpoint value (routes/*.ts).

import type { Context } from 'hono';
import { resolveTarget, UnknownModelError, validModelNames, type RouteTarget } from '../../routing/targets.ts';
import type { GatewayContext } from '../context.ts';
import { applyCallerPolicy } from '../caller-policy.ts';
import { GatewayError, invalidRequest } from '../errors.ts';
import type { Exchange } from '../exchange.ts';
import { withExchange, type Answer } from '../with-exchange.ts';
import { requestCaller } from '../middleware/auth.ts';
import { decisionHeaders, prepare } from '../prepare.ts';
import { answerPlain } from '../plain-answer.ts';
import { forwardUpstream } from './call.ts';
import type { PassThroughEndpoint } from './endpoint.ts';
import { streamResponse } from './stream.ts';
import { clientSignal, requestHeader } from '../request-header.ts';
import { parseJsonBody } from '../json-body.ts';

function bearer(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match?.[1]?.trim();
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
      : Object.hasOwn(ctx.config.routers, target.name) || (target.name === model && model.startsWith('router-')) || target.name === `tier:${model.slice('triage/'.length)}`;
  if (!own) throw unknown();
  return target;
}

/** Serves one request on a pass-through endpoint. */
export function servePassThrough<Body extends Record<string, unknown>>(ctx: GatewayContext, c: Context, endpoint: PassThroughEndpoint<Body>): Promise<Response> {
  return withExchange(ctx, c, endpoint.kind, (exchange) => answer(ctx, c, endpoint, exchange));
}

async function answer<Body extends Record<string, unknown>>(ctx: GatewayContext, c: Context, endpoint: PassThroughEndpoint<Body>, exchange: Exchange): Promise<Answer> {
  const bodyText = await c.req.text();
  let body: Body;
  let stream: boolean;
  try {
    body = parseJsonBody(bodyText, endpoint.schema, (param) => (param === 'model' ? 'invalid_model' : 'invalid_value'));
    const model = body['model'];
    if (typeof model !== 'string') throw invalidRequest('model is required and must be a string', 'invalid_model', 'model');
    const target = resolveOwn(ctx, model);
    if (target.kind === 'router' && endpoint.refuseRouters !== null) {
      throw invalidRequest(`"${model}" names a router: ${endpoint.refuseRouters}; name a model (${Object.keys(ctx.config.models).join(', ')})`, 'model_not_routable', 'model');
    }
    stream = endpoint.wantsStream(body);
  } catch (error) {
    if (error instanceof GatewayError) {
      // Rejected before prepare(): the row is logged as rejected, like chat's.
      exchange.record.reason = 'rejected';
      exchange.end(error.status, error.message);
    }
    throw error;
  }

  // prepare() owns tags, mode, the prompt hash, the decision and the rejected-row path: it gets the
  // chat-shaped view of this body (messages always non-empty so that view itself is always valid).
  const view = endpoint.chatView(body);
  const chatLike = {
    model: body['model'],
    messages: view.messages.length > 0 ? view.messages : [{ role: 'user', content: '' }],
    ...(view.tools ? { tools: view.tools } : {}),
    ...(view.maxTokens !== undefined ? { max_tokens: view.maxTokens } : {}),
    ...(stream ? { stream: true } : {}),
    ...(body['user'] !== undefined ? { user: body['user'] } : {}),
    ...(body['metadata'] !== undefined ? { metadata: body['metadata'] } : {}),
  };
  const prepared = await prepare(ctx, exchange, JSON.stringify(chatLike), { tags: requestHeader(c, 'x-triage-tags'), mode: requestHeader(c, 'x-triage-mode'), session: requestHeader(c, 'x-triage-session') });
  await applyCallerPolicy(ctx, exchange, prepared, requestCaller(c), bodyText.length);
  const upstreamStartedMs = performance.now();
  const outcome = await forwardUpstream(ctx, prepared, endpoint, body, stream, bearer(requestHeader(c, 'authorization')), clientSignal(c));
  exchange.served(outcome, prepared.router);
  const { result } = outcome;
  const headers = (passed: Record<string, string>) => ({ ...passed, ...decisionHeaders(exchange, prepared.warnings) });
  if (result.kind === 'stream') {
    // From here the stream owns the Exchange and ends it with the last event or a cancellation.
    return { response: streamResponse(ctx, exchange, outcome, endpoint, result.parts, headers(result.headers)), streaming: true };
  }
  const usage = () => (result.kind === 'json' ? endpoint.usage(result.body) : undefined);
  return { response: answerPlain(ctx, exchange, outcome, result, { upstreamStartedMs, usage, headers }), streaming: false };
}
