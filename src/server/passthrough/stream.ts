// A pass-through SSE answer: upstream events are sent on as written while the endpoint watches them
// for usage, a terminal event or an error event; a broken, idle or truncated stream ends with the
// endpoint's error event; the row is logged once, at the end or on cancellation (499).

import type { ForwardStreamPart } from '../../providers/spec.ts';
import type { GatewayContext } from '../context.ts';
import type { Prepared } from '../prepare.ts';
import type { Outcome } from './attempts.ts';
import type { PassThroughEndpoint, StreamState } from './endpoint.ts';
import { applyUsage, finish } from './row.ts';

const encoder = new TextEncoder();

export function streamResponse<Body extends Record<string, unknown>>(
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
