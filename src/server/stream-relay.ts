// Relays an upstream stream to the client as SSE, part by part as they arrive, and ends the
// Exchange with the right status: 200 on [DONE] or a finish reason; 502 on a truncated stream, an
// upstream error event or malformed data; 504 on an idle timeout; 499 when the client leaves or the
// gateway cuts the stream at shutdown. Usage chunks are stripped when the client did not ask for
// them. A failure after the first byte ends the stream with one SSE error event (no retry is
// possible then: the client already has part of an answer). What goes on the wire is the
// renderer's: OpenAI's chunks and [DONE] by default, Anthropic's events for /v1/messages.

import type { ChatRequest, Usage } from '../protocol/chat.ts';
import { sseResponse } from './sse-response.ts';
import type { StreamPart, UpstreamResult } from '../providers/spec.ts';
import type { GatewayContext } from './context.ts';
import type { Exchange } from './exchange.ts';
import type { AttemptOutcome } from './upstream/call.ts';

const encoder = new TextEncoder();

type ChunkPart = Extract<StreamPart, { type: 'chunk' }>;

/** How a relayed stream is written for the client's protocol; each method returns SSE text ('' sends nothing). */
export interface StreamRenderer {
  chunk(part: ChunkPart): string;
  /** The upstream's own error event (its data in OpenAI's error shape, already scrubbed). */
  upstreamError(part: Extract<StreamPart, { type: 'upstream-error' }>): string;
  /** The gateway's error event for a stream that broke or was cut short. */
  error(message: string, type: 'timeout_error' | 'upstream_error', code: string): string;
  /** The end of a complete answer, with the usage the stream reported. */
  end(usage: Usage | undefined): string;
}

/** The chunk as the client would get it without include_usage: no `usage` field at all. */
function withoutUsage(part: ChunkPart): string {
  if (!('usage' in part.json)) return part.data;
  const { usage: _dropped, ...rest } = part.json;
  return JSON.stringify(rest);
}

function sseEvent(data: string): string {
  return `data: ${data}\n\n`;
}

/** OpenAI's stream: chunks as they came (usage only when asked for), the error event in its shape, [DONE]. */
export function openAiRenderer(request: ChatRequest): StreamRenderer {
  const clientWantsUsage = request.stream_options?.include_usage === true;
  return {
    chunk: (part) => (part.isUsageOnly && !clientWantsUsage ? '' : sseEvent(clientWantsUsage ? part.data : withoutUsage(part))),
    upstreamError: (part) => sseEvent(part.data),
    error: (message, type, code) => sseEvent(JSON.stringify({ error: { message, type, code } })),
    end: () => 'data: [DONE]\n\n',
  };
}

export function relayStream(
  ctx: GatewayContext,
  exchange: Exchange,
  request: ChatRequest,
  outcome: AttemptOutcome,
  result: Extract<UpstreamResult, { kind: 'stream' }>,
  decisionHeaders: Record<string, string>,
  renderer: StreamRenderer = openAiRenderer(request),
): Response {
  const send = (controller: ReadableStreamDefaultController<Uint8Array>, text: string): void => {
    if (text !== '') controller.enqueue(encoder.encode(text));
  };
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
          case 'chunk': {
            exchange.firstByte();
            if (part.finishReason !== null) sawFinishReason = true;
            exchange.capture?.fromChunk(part.json);
            const text = renderer.chunk(part);
            if (text === '') continue;
            send(controller, text);
            return;
          }
          case 'usage':
            usage = part.usage;
            continue;
          case 'upstream-error':
            // The upstream's own error event (already scrubbed of the key) ends the answer.
            send(controller, renderer.upstreamError(part));
            controller.close();
            end(502, part.message);
            await iterator.return?.();
            return;
          case 'done': {
            if (!part.sentinel && !sawFinishReason) {
              // Closed early, with neither [DONE] nor a finish_reason: a truncated answer, not a success.
              const message = 'upstream closed the stream before the answer finished';
              send(controller, renderer.error(message, 'upstream_error', 'upstream_truncated'));
              controller.close();
              end(502, message);
              return;
            }
            send(controller, renderer.end(usage));
            controller.close();
            end(200, null);
            return;
          }
          case 'error': {
            const cut = part.code === 'aborted' && ctx.closing;
            const status = part.code === 'timeout' ? 504 : cut ? 499 : 502;
            const message = cut ? 'cut at gateway shutdown' : `upstream stream broke: ${part.message}`;
            send(controller, renderer.error(message, part.code === 'timeout' ? 'timeout_error' : 'upstream_error', `upstream_${part.code}`));
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
