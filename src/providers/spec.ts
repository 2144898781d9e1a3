// The provider adapter spec (version "v2"): how the gateway calls one upstream. Adapters map the
// OpenAI-shaped request to their API and back, report parameters they had to drop as warnings, and
// turn what a stream says (chunks, finish reasons, usage, error events, malformed data) into typed
// parts. Every string an adapter returns is already scrubbed of the upstream key. Implementations
// live in providers/<name>/ and run test/providers/provider.conformance.ts.
//
// v2 (from v1): chunks always carry parsed JSON and their finish reason; malformed or oversized
// stream data is an `error` part; an error event inside a 200 stream is an `upstream-error` part;
// JSON and error results carry the body text to pass through (never re-serialised).

import type { ChatExtensions } from '../protocol/anthropic/extras.ts';
import type { ChatRequest, Usage } from '../protocol/chat.ts';

export interface UpstreamTarget {
  /** Provider name from config (for logs and errors). */
  provider: string;
  baseUrl: string;
  /** Resolved from the environment; never logged or echoed. */
  apiKey?: string;
  /** Extra headers sent upstream (from config). */
  headers?: Record<string, string>;
  /** Upstream model id to put in the request body. */
  modelId: string;
  /** Whole-request timeout for non-streaming calls; for streams, the time allowed until the first byte and between chunks. */
  timeoutMs: number;
  /** Largest response body (non-streamed) or single stream event accepted, in bytes. */
  maxResponseBytes?: number;
}

/** Default for UpstreamTarget.maxResponseBytes: 32 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export interface UpstreamCall {
  target: UpstreamTarget;
  /** The client's request; `model` is replaced with target.modelId by the adapter. */
  request: ChatRequest;
  /** What the client's own protocol said that the chat request cannot (e.g. Anthropic's thinking budget); adapters of other APIs ignore it. */
  extensions?: ChatExtensions;
  signal?: AbortSignal;
}

/** Typed parts of a streamed response, in arrival order. */
export type StreamPart =
  /** One SSE event from upstream, as the raw `data:` payload (JSON text), plus its parsed form. */
  | { type: 'chunk'; data: string; json: Record<string, unknown>; isUsageOnly: boolean; finishReason: string | null }
  /** Usage reported in the stream (always also delivered as a chunk). */
  | { type: 'usage'; usage: Usage }
  /** The upstream sent an error event inside its 200 stream: its message, and the event payload to pass on. */
  | { type: 'upstream-error'; message: string; data: string }
  /** The stream ended: `sentinel` is true when upstream sent [DONE], false when it just closed. */
  | { type: 'done'; sentinel: boolean }
  /** The stream broke after it started (timeout, reset, malformed or oversized data). */
  | { type: 'error'; message: string; code: UpstreamFailureCode };

/** invalid_request: the request could not be sent as it is (e.g. it cannot be serialised); not retryable.
 *  circuit_open: the gateway did not call the provider because its circuit breaker is open. */
export type UpstreamFailureCode = 'timeout' | 'connection' | 'bad_response' | 'aborted' | 'invalid_request' | 'circuit_open';

/** Upstream response headers worth passing to the client (rate limits, retry-after, request ids). */
export type PassThroughHeaders = Record<string, string>;

export type UpstreamResult =
  | {
      kind: 'json';
      status: number;
      body: unknown;
      /** The body as the upstream sent it (key scrubbed), passed to the client as is. */
      bodyText: string;
      usage?: Usage;
      /** Milliseconds from the call to the first byte of the response. */
      ttfbMs: number;
      headers: PassThroughHeaders;
      warnings: string[];
    }
  | {
      kind: 'stream';
      status: number;
      parts: AsyncIterable<StreamPart>;
      ttfbMs: number;
      headers: PassThroughHeaders;
      warnings: string[];
    }
  /** Upstream answered with an HTTP error (4xx/5xx): its body, to be passed through. */
  | { kind: 'http_error'; status: number; body: unknown; bodyText: string; ttfbMs: number; headers: PassThroughHeaders; warnings: string[] }
  /** No usable answer: timeout, refused connection, reset, an open circuit. */
  | { kind: 'failure'; code: UpstreamFailureCode; message: string; warnings: string[] };

export interface ProviderAdapter {
  readonly specVersion: 'v2';
  /** Adapter kind, e.g. "openai-compatible". */
  readonly kind: string;
  chat(call: UpstreamCall): Promise<UpstreamResult>;
}

// --- Forwarding other OpenAI-compatible paths (embeddings, completions, responses) ---
// Same v2 rules as chat: never throws, every string and header already scrubbed of the key, bodies
// passed on as text, size caps from target.maxResponseBytes (whole body, or one stream event).

/** A call to an OpenAI-compatible path other than chat: the client's body, `model` replaced with target.modelId by the adapter. */
export interface ForwardCall {
  target: UpstreamTarget;
  /** Path under the target's baseUrl, e.g. "/embeddings". */
  path: string;
  body: Record<string, unknown>;
  /** Ask for (and read) a Server-Sent Events stream. */
  stream: boolean;
  signal?: AbortSignal;
}

/** Parts of a forwarded stream, in arrival order. */
export type ForwardStreamPart =
  /** One SSE event as upstream wrote it (`event:`/`id:` lines and comments kept), API key scrubbed. */
  | { type: 'event'; raw: string; event: string | null; data: string | null; json: Record<string, unknown> | null }
  /** Upstream closed the stream cleanly (a `[DONE]` event, if any, came before as an event). */
  | { type: 'end' }
  /** The stream broke: reset, idle timeout, an oversized event. */
  | { type: 'error'; message: string; code: UpstreamFailureCode };

/** No usable answer (the same shape for chat and forwarded calls). */
export type UpstreamFailure = Extract<UpstreamResult, { kind: 'failure' }>;

export type ForwardResult =
  /** `bodyText` is the JSON to send on (API key scrubbed); `body` is its parsed value. */
  | { kind: 'json'; status: number; body: unknown; bodyText: string; ttfbMs: number; headers: PassThroughHeaders }
  | { kind: 'stream'; status: number; parts: AsyncIterable<ForwardStreamPart>; ttfbMs: number; headers: PassThroughHeaders }
  | { kind: 'http_error'; status: number; body: unknown; bodyText: string; ttfbMs: number; headers: PassThroughHeaders }
  | UpstreamFailure;

/** An adapter that can also forward other OpenAI-compatible paths. */
export interface ForwardingProviderAdapter extends ProviderAdapter {
  forward(call: ForwardCall): Promise<ForwardResult>;
}

/** Whether this adapter can forward paths other than chat. */
export function canForward(adapter: ProviderAdapter): adapter is ForwardingProviderAdapter {
  return 'forward' in adapter && typeof adapter.forward === 'function';
}
