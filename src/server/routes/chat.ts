// POST /v1/chat/completions: decide, forward to the chosen upstream, answer (JSON or a stream passed
// through chunk by chunk), and queue the log row with tokens, cost and latencies.

import type { Context } from 'hono';
import type { Usage } from '../../protocol/chat.ts';
import { costUsd } from '../../routing/cost.ts';
import type { StreamPart } from '../../providers/spec.ts';
import type { DecisionRecord } from '../../store/store.ts';
import type { GatewayContext } from '../context.ts';
import { GatewayError, errorResponse } from '../errors.ts';
import { decisionHeaders, prepare, type Prepared } from '../prepare.ts';
import { callUpstream, type AttemptOutcome } from '../upstream.ts';

const encoder = new TextEncoder();

function bearer(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match?.[1]?.trim();
}

function applyUsage(ctx: GatewayContext, record: DecisionRecord, outcome: AttemptOutcome, usage: Usage | undefined): void {
  if (!usage) return;
  record.promptTokens = usage.promptTokens;
  record.completionTokens = usage.completionTokens;
  record.cachedTokens = usage.cachedTokens;
  record.costUsd = costUsd(usage, outcome.attempt.model.pricePerMTok);
  const model = outcome.attempt.alias;
  ctx.metrics.tokens.inc({ model, type: 'prompt' }, usage.promptTokens);
  ctx.metrics.tokens.inc({ model, type: 'completion' }, usage.completionTokens);
  ctx.metrics.tokens.inc({ model, type: 'cached' }, usage.cachedTokens);
  ctx.metrics.cost.inc({ model }, record.costUsd);
}

function finish(ctx: GatewayContext, prepared: Prepared, outcome: AttemptOutcome | null): void {
  const { record } = prepared;
  record.latencyMs = performance.now() - prepared.startedMs;
  ctx.metrics.requests.inc({ router: record.router ?? 'none', model: record.modelAlias ?? 'none', status: String(record.status) });
  if (outcome) ctx.metrics.upstreamSeconds.observe({ model: outcome.attempt.alias }, record.latencyMs / 1000);
  if (record.ttfbMs !== null && outcome) ctx.metrics.ttfbSeconds.observe({ model: outcome.attempt.alias }, record.ttfbMs / 1000);
  prepared.lease?.settle(record.costUsd ?? 0); // budget pacing: replace the reservation by the actual cost (idempotent)
  ctx.store.log(record);
}

function noteServed(ctx: GatewayContext, prepared: Prepared, outcome: AttemptOutcome): void {
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

function upstreamError(outcome: AttemptOutcome): GatewayError {
  const { result, attempt } = outcome;
  if (result.kind === 'failure' && result.code === 'invalid_request') {
    return new GatewayError(400, result.message, 'invalid_request_error', 'invalid_request');
  }
  if (result.kind === 'failure') {
    return result.code === 'timeout'
      ? new GatewayError(504, `upstream ${attempt.alias} timed out: ${result.message}`, 'timeout_error', 'upstream_timeout')
      : new GatewayError(502, `upstream ${attempt.alias} failed: ${result.message}`, 'upstream_error', `upstream_${result.code}`);
  }
  const status = result.kind === 'http_error' ? result.status : 0;
  return new GatewayError(502, `upstream ${attempt.alias} answered with status ${status}`, 'upstream_error', 'upstream_error');
}

function hasFinishReason(json: Record<string, unknown>): boolean {
  const choices = json['choices'];
  return Array.isArray(choices) && choices.some((c) => typeof c === 'object' && c !== null && (c as Record<string, unknown>)['finish_reason'] != null);
}

function describeErrorEvent(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as Record<string, unknown>)['message'] : error;
  return `upstream sent an error event: ${typeof message === 'string' ? message : JSON.stringify(message)}`.slice(0, 500);
}

/** The chunk as the client would get it without include_usage: no `usage` field at all. */
function withoutUsage(part: Extract<StreamPart, { type: 'chunk' }>): string {
  if (!part.json || !('usage' in part.json)) return part.data;
  const { usage: _dropped, ...rest } = part.json;
  return JSON.stringify(rest);
}

function streamResponse(
  ctx: GatewayContext,
  prepared: Prepared,
  outcome: AttemptOutcome,
  parts: AsyncIterable<StreamPart>,
  upstreamHeaders: Record<string, string>,
  done: () => void,
): Response {
  const { record, request } = prepared;
  const clientWantsUsage = request.stream_options?.include_usage === true;
  const iterator = parts[Symbol.asyncIterator]();
  let usage: Usage | undefined;
  let finished = false;
  let sawFinishReason = false;
  let upstreamErrorEvent: string | null = null;
  const end = (status: number, error: string | null) => {
    if (finished) return;
    finished = true;
    record.status = status;
    record.error = error;
    applyUsage(ctx, record, outcome, usage);
    finish(ctx, prepared, outcome);
    done();
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        let next: IteratorResult<StreamPart>;
        try {
          next = await iterator.next();
        } catch (error) {
          next = { done: false, value: { type: 'error', message: (error as Error).message, code: 'bad_response' } };
        }
        const part: StreamPart = next.done ? { type: 'done', sentinel: false } : next.value;
        switch (part.type) {
          case 'chunk':
            if (record.ttfbMs === null) record.ttfbMs = performance.now() - prepared.startedMs;
            if (part.json && hasFinishReason(part.json)) sawFinishReason = true;
            // An error event inside a 200 stream is passed on to the client and logged as a failure.
            if (part.json && 'error' in part.json) upstreamErrorEvent ??= describeErrorEvent(part.json['error']);
            if (part.isUsageOnly && !clientWantsUsage) continue;
            controller.enqueue(encoder.encode(`data: ${clientWantsUsage ? part.data : withoutUsage(part)}\n\n`));
            return;
          case 'usage':
            usage = part.usage;
            continue;
          case 'done': {
            if (!part.sentinel && !sawFinishReason && upstreamErrorEvent === null) {
              // Closed early, with neither [DONE] nor a finish_reason: a truncated answer, not a success.
              const message = 'upstream closed the stream before the answer finished';
              const payload = { error: { message, type: 'upstream_error', code: 'upstream_truncated' } };
              controller.enqueue(encoder.encode(`data: ${JSON.stringify(payload)}\n\n`));
              controller.close();
              end(502, message);
              return;
            }
            controller.enqueue(encoder.encode('data: [DONE]\n\n'));
            controller.close();
            end(upstreamErrorEvent === null ? 200 : 502, upstreamErrorEvent);
            return;
          }
          case 'error': {
            const status = part.code === 'timeout' ? 504 : 502;
            const type = part.code === 'timeout' ? 'timeout_error' : 'upstream_error';
            const payload = { error: { message: `upstream stream broke: ${part.message}`, type, code: `upstream_${part.code}` } };
            controller.enqueue(encoder.encode(`data: ${JSON.stringify(payload)}\n\n`));
            controller.close();
            end(status, payload.error.message);
            return;
          }
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
      ...upstreamHeaders,
      ...decisionHeaders(prepared, outcome.attempt.model.id, outcome.result.warnings),
    },
  });
}

export async function handleChat(ctx: GatewayContext, c: Context): Promise<Response> {
  const done = ctx.inflight.begin();
  let handedToStream = false;
  try {
    return await answerChat(ctx, c, done, () => {
      handedToStream = true;
    });
  } finally {
    if (!handedToStream) done();
  }
}

async function answerChat(ctx: GatewayContext, c: Context, done: () => void, markStreaming: () => void): Promise<Response> {
  const receivedAt = Date.now();
  const startedMs = performance.now();
  const bodyText = await c.req.text();
  const prepared = await prepare(
    ctx,
    'chat',
    bodyText,
    { tags: c.req.header('x-triage-tags'), mode: c.req.header('x-triage-mode') },
    receivedAt,
    startedMs,
  );
  const { record } = prepared;
  let outcome: AttemptOutcome;
  const upstreamStartedMs = performance.now();
  try {
    outcome = await callUpstream(ctx, prepared.attempts, prepared.request, bearer(c.req.header('authorization')), c.req.raw.signal);
  } catch (error) {
    record.status = 500;
    record.error = (error as Error).message;
    finish(ctx, prepared, null);
    throw error;
  }
  noteServed(ctx, prepared, outcome);
  const { result } = outcome;

  switch (result.kind) {
    case 'stream':
      // From here the stream owns the in-flight mark and ends it with its last chunk or cancellation.
      markStreaming();
      return streamResponse(ctx, prepared, outcome, result.parts, result.headers, done);
    case 'json': {
      record.status = result.status;
      record.ttfbMs = upstreamStartedMs - prepared.startedMs + result.ttfbMs;
      applyUsage(ctx, record, outcome, result.usage);
      finish(ctx, prepared, outcome);
      return new Response(JSON.stringify(result.body), {
        status: result.status,
        headers: { 'content-type': 'application/json', ...result.headers, ...decisionHeaders(prepared, outcome.attempt.model.id, result.warnings) },
      });
    }
    case 'http_error':
      if (result.status < 500) {
        // Client errors from the upstream (bad parameters, rate limits, auth) pass through as they are.
        record.status = result.status;
        record.error = `upstream status ${result.status}`;
        finish(ctx, prepared, outcome);
        return new Response(JSON.stringify(result.body), {
          status: result.status,
          headers: { 'content-type': 'application/json', ...result.headers, ...decisionHeaders(prepared, outcome.attempt.model.id, result.warnings) },
        });
      }
      break;
    case 'failure':
      if (result.code === 'aborted') {
        // The client went away before the upstream answered: nobody reads this response.
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
  const passed = outcome.result.kind === 'http_error' ? outcome.result.headers : {};
  return errorResponse(error, { ...passed, ...decisionHeaders(prepared, outcome.attempt.model.id) });
}
