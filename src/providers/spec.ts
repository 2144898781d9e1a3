// The provider adapter spec (version "v1"): how the gateway calls one upstream. Adapters map the
// OpenAI-shaped request to their API and back, and report parameters they had to drop as warnings.
// Implementations live in providers/<name>/ and run test/providers/provider.conformance.ts.

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
}

export interface UpstreamCall {
  target: UpstreamTarget;
  /** The client's request; `model` is replaced with target.modelId by the adapter. */
  request: ChatRequest;
  signal?: AbortSignal;
}

/** Typed parts of a streamed response, in arrival order. */
export type StreamPart =
  /** One SSE event from upstream, as the raw `data:` payload (JSON text), plus its parsed form. */
  | { type: 'chunk'; data: string; json: Record<string, unknown> | null; isUsageOnly: boolean }
  /** Usage reported in the stream (always also delivered as a chunk). */
  | { type: 'usage'; usage: Usage }
  /** The stream ended: `sentinel` is true when upstream sent [DONE], false when it just closed. */
  | { type: 'done'; sentinel: boolean }
  /** The stream broke after it started (timeout, reset, malformed data). */
  | { type: 'error'; message: string; code: UpstreamFailureCode };

/** invalid_request: the request could not be sent as it is (e.g. it cannot be serialised); not retryable. */
export type UpstreamFailureCode = 'timeout' | 'connection' | 'bad_response' | 'aborted' | 'invalid_request';

/** Upstream response headers worth passing to the client (rate limits, retry-after, request ids). */
export type PassThroughHeaders = Record<string, string>;

export type UpstreamResult =
  | {
      kind: 'json';
      status: number;
      body: unknown;
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
  | { kind: 'http_error'; status: number; body: unknown; ttfbMs: number; headers: PassThroughHeaders; warnings: string[] }
  /** No usable answer: timeout, refused connection, reset. */
  | { kind: 'failure'; code: UpstreamFailureCode; message: string; warnings: string[] };

export interface ProviderAdapter {
  readonly specVersion: 'v1';
  /** Adapter kind, e.g. "openai-compatible". */
  readonly kind: string;
  chat(call: UpstreamCall): Promise<UpstreamResult>;
}

// --- Forwarding other OpenAI-compatible paths (embeddings, completions, responses) ---

/** A call to an OpenAI-compatible path other than chat: the body is sent as given (model already set). */
export interface ForwardCall {
  target: UpstreamTarget;
  /** Path under the target's baseUrl, e.g. "/embeddings". */
  path: string;
  body: Record<string, unknown>;
  /** Ask for (and read) a Server-Sent Events stream. */
  stream: boolean;
  signal?: AbortSignal;
  /** Most bytes read from a non-streamed body, or buffered for one SSE event (default 32 MiB). */
  maxBodyBytes?: number;
}

/** Parts of a forwarded stream, in arrival order. */
export type ForwardStreamPart =
  /** One SSE event as upstream wrote it (`event:`/`id:` lines and comments kept), API key scrubbed. */
  | { type: 'event'; raw: string; event: string | null; data: string | null; json: Record<string, unknown> | null }
  /** Upstream closed the stream cleanly (a `[DONE]` event, if any, came before as an event). */
  | { type: 'end' }
  /** The stream broke: reset, idle timeout, an oversized event. */
  | { type: 'error'; message: string; code: UpstreamFailureCode };

export type ForwardResult =
  /** `text` is the JSON to send on (API key scrubbed); `body` is its parsed value. */
  | { kind: 'json'; status: number; body: unknown; text: string; ttfbMs: number; headers: PassThroughHeaders }
  | { kind: 'stream'; status: number; parts: AsyncIterable<ForwardStreamPart>; ttfbMs: number; headers: PassThroughHeaders }
  | { kind: 'http_error'; status: number; body: unknown; text: string; ttfbMs: number; headers: PassThroughHeaders }
  | { kind: 'failure'; code: UpstreamFailureCode; message: string };

/** An adapter that can also forward other OpenAI-compatible paths. Never throws; never echoes the key. */
export interface ForwardingProviderAdapter extends ProviderAdapter {
  forward(call: ForwardCall): Promise<ForwardResult>;
}
