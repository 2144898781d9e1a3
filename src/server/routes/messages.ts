// POST /v1/messages (Anthropic Messages API) and POST /v1/messages/count_tokens. A message request
// is translated to the chat-shaped request (protocol/anthropic/to-chat.ts) and then goes the same way
// as /v1/chat/completions: prepare (routing, tags, modes, budget), the caller's limits, the upstream
// attempts (either provider kind), one Exchange row. The answer is rendered back in Anthropic's
// shape: a message, or the event stream (stream-renderer.ts). Errors get Anthropic's shape from the
// route's middleware (anthropic/error-shape.ts).

import type { Context } from 'hono';
import { modelFamily } from '../../config/family.ts';
import { own } from '../../config/lookup.ts';
import type { AnthropicExtras } from '../../protocol/anthropic/extras.ts';
import { chatCompletionToMessage } from '../../protocol/anthropic/from-chat.ts';
import { anthropicToChat } from '../../protocol/anthropic/to-chat.ts';
import { estimateInputTokens } from '../anthropic/count-tokens.ts';
import { checkVersion, parseCountTokensRequest, parseMessagesRequest } from '../anthropic/parse.ts';
import { anthropicRenderer } from '../anthropic/stream-renderer.ts';
import { applyCallerPolicy } from '../caller-policy.ts';
import type { GatewayContext } from '../context.ts';
import type { Exchange } from '../exchange.ts';
import { requestCaller } from '../middleware/auth.ts';
import { answerPlain } from '../plain-answer.ts';
import { decisionHeaders, prepare } from '../prepare.ts';
import { relayStream } from '../stream-relay.ts';
import { callUpstream } from '../upstream/call.ts';
import { withExchange, type Answer } from '../with-exchange.ts';

/** The client's own key (x-api-key, or a bearer token), for providers that forward it. */
function clientKey(c: Context): string | undefined {
  const header = c.req.header('authorization');
  return (c.req.header('x-api-key') ?? (header ? /^Bearer\s+(.+)$/i.exec(header)?.[1] : undefined))?.trim();
}

export function handleMessages(ctx: GatewayContext, c: Context): Promise<Response> {
  return withExchange(ctx, c, 'chat', (exchange) => answerMessages(ctx, c, exchange));
}

async function answerMessages(ctx: GatewayContext, c: Context, exchange: Exchange): Promise<Answer> {
  const bodyText = await c.req.text();
  const notes: string[] = [];
  let extras: AnthropicExtras | undefined;
  const translate = () => {
    checkVersion(c.req.header('anthropic-version'));
    const translated = anthropicToChat(parseMessagesRequest(bodyText), notes);
    const beta = c.req.header('anthropic-beta');
    extras = beta ? { ...translated.extras, beta } : translated.extras;
    return translated.request;
  };
  const prepared = await prepare(ctx, exchange, translate, { tags: c.req.header('x-triage-tags'), mode: c.req.header('x-triage-mode') });
  await applyCallerPolicy(ctx, exchange, prepared, requestCaller(c), bodyText.length);
  const upstreamStartedMs = performance.now();
  const outcome = await callUpstream(ctx, prepared.attempts, prepared.request, clientKey(c), c.req.raw.signal, prepared.retry, extras ? { anthropic: extras } : undefined);
  exchange.served(outcome, prepared.router);
  const { result } = outcome;
  const warnings = [...prepared.warnings, ...notes, ...('warnings' in result ? result.warnings : [])];
  const headers = (passed: Record<string, string>) => ({ ...passed, ...decisionHeaders(exchange, warnings) });
  const family = modelFamily(outcome.attempt.model, own(ctx.config.providers, outcome.attempt.deployment.provider));
  const messageId = `msg_${exchange.id.replace(/^dec_/, '')}`;
  if (result.kind === 'stream') {
    const renderer = anthropicRenderer({ messageId, model: outcome.attempt.deployment.id, family });
    return { response: relayStream(ctx, exchange, prepared.request, outcome, result, decisionHeaders(exchange, warnings), renderer), streaming: true };
  }
  const plain = result.kind === 'json' ? { ...result, bodyText: JSON.stringify(chatCompletionToMessage(result.body, messageId, family)) } : result;
  const usage = () => (result.kind === 'json' ? result.usage : undefined);
  return { response: answerPlain(ctx, exchange, outcome, plain, { upstreamStartedMs, usage, headers }), streaming: false };
}

/** POST /v1/messages/count_tokens: an estimate of the request's input tokens (no upstream call, no log row). */
export async function handleCountTokens(c: Context): Promise<Response> {
  checkVersion(c.req.header('anthropic-version'));
  const body = parseCountTokensRequest(await c.req.text());
  return c.json({ input_tokens: estimateInputTokens(body) });
}
