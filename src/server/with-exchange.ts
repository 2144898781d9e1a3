// Runs one upstream-calling request inside its Exchange: opens it (with the caller's key id), ends
// it with the error's status when answering throws (a GatewayError is answered here, with the
// decision id of its logged row), and guards against a non-stream exit that forgot
// to end it. A streamed answer hands the Exchange to its relay, which ends it with the last chunk.

import type { Context } from 'hono';
import type { DecisionKind } from '../store/store.ts';
import type { GatewayContext } from './context.ts';
import { GatewayError, errorResponse } from './errors.ts';
import { Exchange } from './exchange.ts';
import { requestKeyId } from './middleware/auth.ts';

export interface Answer {
  response: Response;
  /** True when a stream relay now owns the Exchange. */
  streaming: boolean;
}

export async function withExchange(ctx: GatewayContext, c: Context, kind: DecisionKind, answer: (exchange: Exchange) => Promise<Answer>): Promise<Response> {
  const exchange = new Exchange(ctx, kind);
  exchange.record.keyId = requestKeyId(c);
  let streaming = false;
  try {
    const answered = await answer(exchange);
    streaming = answered.streaming;
    return answered.response;
  } catch (error) {
    const status = error instanceof GatewayError ? error.status : 500;
    exchange.end(status, error instanceof Error ? error.message : String(error));
    // A refusal (limit, budget, bad request) names its logged row too, so the client can find it.
    if (error instanceof GatewayError) return errorResponse(error, { 'x-triage-decision-id': exchange.record.id });
    throw error;
  } finally {
    // Every non-stream exit has ended the row already; this only guards against a forgotten one.
    if (!streaming) exchange.end(exchange.record.status || 500, exchange.record.error ?? 'request ended without a status');
  }
}
