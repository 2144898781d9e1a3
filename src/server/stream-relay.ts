// Relays an upstream stream to the client as SSE, part by part as they arrive, and ends the
// Exchange with the right status: 200 on [DONE] or a finish reason; 502 on a truncated stream, an
// upstream error event or malformed data; 504 on an idle timeout; 499 when the client leaves or the
// gateway cuts the stream at shutdown. Usage chunks are stripped when the client did not ask for
// them. A failure after the first byte ends the stream with one SSE error event (no retry is
// possible then: the client already has part of an answer).

import type { ChatRequest, Usage } from '../protocol/chat.ts';
import { sseResponse } from './sse-response.ts';
import type { StreamPart, UpstreamResult } from '../providers/spec.ts';
import type { GatewayContext } from './context.ts';
import type { Exchange } from './exchange.ts';
import type { AttemptOutcome } from './upstream/call.ts';

const encoder = new TextEncoder();

/** The chunk as the client would get it without include_usage: no `usage` field at all. */
function withoutUsage(part: Extract<StreamPart, { type: 'chunk' }>): string {
  if (!('usage' in part.json)) return part.data;
  const { usage: _dropped, ...rest } = part.json;
  return JSON.stringify(rest);
}

function sseEvent(data: string): Uint8Array {
  return encoder.encode(`data: ${data}\n\n`);
}

function errorEvent(message: string, type: string, code: string): Uint8Array {
  return sseEvent(JSON.stringify({ error: { message, type, code } }));
}

export function relayStream(
  ctx: GatewayContext,
  exchange: Exchange,
  request: ChatRequest,
  outcome: AttemptOutcome,
  result: Extract<UpstreamResult, { kind: 'stream' }>,
  decisionHeaders: Record<string, string>,
): Response {
  const clientWantsUsage = request.stream_options?.include_usage === true;
  const iterator = result.parts[Symbol.asyncIterator]();
  let usage: Usage | undefined;
  let sawFinishReason = false;
  const end = (status: number, error: string | null): void => {
    if (exchange.ended) return;
    if (status === 502 || status === 504) outcome.breaker?.failure();
    exchange.usage(usage);
    exchange.end(status, error);
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        let next: IteratorResult<StreamPart>;
        try {
          next = await iterator.next();
        } catch (error) {
          next = { done: false, value: { type: 'error', message: error instanceof Error ? error.message : String(error), code: 'bad_response' } };
        }
        const part: StreamPart = next.done ? { type: 'done', sentinel: false } : next.value;
        switch (part.type) {
          case 'chunk':
            exchange.firstByte();
            if (part.finishReason !== null) sawFinishReason = true;
            exchange.capture?.fromChunk(part.json);
            if (part.isUsageOnly && !clientWantsUsage) continue;
            controller.enqueue(sseEvent(clientWantsUsage ? part.data : withoutUsage(part)));
            return;
          case 'usage':
            usage = part.usage;
            continue;
          case 'upstream-error':
            // The upstream's own error event (already scrubbed of the key) ends the answer.
            controller.enqueue(sseEvent(part.data));
            controller.close();
            end(502, part.message);
            await iterator.return?.();
            return;
          case 'done': {
            if (!part.sentinel && !sawFinishReason) {
              // Closed early, with neither [DONE] nor a finish_reason: a truncated answer, not a success.
              const message = 'upstream closed the stream before the answer finished';
              controller.enqueue(errorEvent(message, 'upstream_error', 'upstream_truncated'));
              controller.close();
              end(502, message);
              return;
            }
            controller.enqueue(encoder.encode('data: [DONE]\n\n'));
            controller.close();
            end(200, null);
            return;
          }
          case 'error': {
            const cut = part.code === 'aborted' && ctx.closing;
            const status = part.code === 'timeout' ? 504 : cut ? 499 : 502;
            const message = cut ? 'cut at gateway shutdown' : `upstream stream broke: ${part.message}`;
            controller.enqueue(errorEvent(message, part.code === 'timeout' ? 'timeout_error' : 'upstream_error', `upstream_${part.code}`));
            controller.close();
            end(status, message);
            return;
          }
        }
      }
    },
    async cancel() {
      end(499, ctx.closing ? 'cut at gateway shutdown' : 'client closed the stream');
      await iterator.return?.();
    },
  });
  return sseResponse(body, { ...result.headers, ...decisionHeaders });
}
