// A pass-through SSE answer: upstream events are sent on as written while the endpoint watches them
// for usage, a terminal event or an error event; a broken, idle or truncated stream ends with the
// endpoint's error event; the row is logged once, at the end or on cancellation (499).

import type { ForwardStreamPart } from '../../providers/spec.ts';
import { sseResponse } from '../sse-response.ts';
import type { ForwardResult } from '../../providers/spec.ts';
import type { GatewayContext } from '../context.ts';
import type { Exchange } from '../exchange.ts';
import type { AttemptOutcome } from '../upstream/call.ts';
import type { PassThroughEndpoint, StreamState } from './endpoint.ts';

const encoder = new TextEncoder();

export function streamResponse<Body extends Record<string, unknown>>(
  ctx: GatewayContext,
  exchange: Exchange,
  outcome: AttemptOutcome<ForwardResult>,
  endpoint: PassThroughEndpoint<Body>,
  parts: AsyncIterable<ForwardStreamPart>,
  headers: Record<string, string>,
): Response {
  const iterator = parts[Symbol.asyncIterator]();
  const state: StreamState = { usage: undefined, complete: false, errorEvent: null };
  const end = (status: number, error: string | null) => {
    if (exchange.ended) return;
    if (status === 502 || status === 504) outcome.breaker?.failure();
    exchange.usage(state.usage);
    exchange.end(status, error);
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: IteratorResult<ForwardStreamPart>;
      try {
        next = await iterator.next();
      } catch (error) {
        next = { done: false, value: { type: 'error', message: error instanceof Error ? error.message : String(error), code: 'bad_response' } };
      }
      const part: ForwardStreamPart = next.done ? { type: 'end' } : next.value;
      switch (part.type) {
        case 'event':
          exchange.firstByte();
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
          const cut = part.code === 'aborted' && ctx.closing;
          const message = cut ? 'cut at gateway shutdown' : `upstream stream broke: ${part.message}`;
          controller.enqueue(encoder.encode(endpoint.errorEvent({ message, type: timeout ? 'timeout_error' : 'upstream_error', code: `upstream_${part.code}` })));
          controller.close();
          end(timeout ? 504 : cut ? 499 : 502, message);
          return;
        }
      }
    },
    async cancel() {
      end(499, ctx.closing ? 'cut at gateway shutdown' : 'client closed the stream');
      await iterator.return?.();
    },
  });
  return sseResponse(body, headers);
}
