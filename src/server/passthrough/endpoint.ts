// What one pass-through endpoint (/v1/embeddings, /v1/completions, /v1/responses) declares: its
// body schema, whether routers may serve it, the chat-shaped view routing scores, how to read usage
// from an answer or a stream, and its error-event shape. The engine in serve.ts does the rest.

import type { z } from 'zod';
import type { ChatMessage, Usage } from '../../protocol/chat.ts';
import type { ForwardStreamPart } from '../../providers/spec.ts';

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
  chatView(body: Body): { messages: ChatMessage[]; tools?: unknown[]; maxTokens?: number };
  /** True when the body asks for a stream. */
  wantsStream(body: Body): boolean;
  /** Usage of a JSON answer. */
  usage(body: unknown): Usage | undefined;
  /** Updates the state for one streamed event. */
  observe(part: Extract<ForwardStreamPart, { type: 'event' }>, state: StreamState): void;
  /** The SSE text that ends a stream with a gateway error, in this endpoint's event shape. */
  errorEvent(error: { message: string; type: string; code: string }): string;
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
