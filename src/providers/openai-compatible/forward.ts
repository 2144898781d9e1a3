// Generic forwarding for OpenAI-compatible paths other than chat (/embeddings, /completions,
// /responses): POSTs the body as given, reads JSON answers under a size cap, and passes SSE streams
// on event by event with the raw text kept. The API key is scrubbed from bodies, events and headers.

import type { ForwardCall, ForwardResult, ForwardStreamPart, PassThroughHeaders, UpstreamFailureCode, UpstreamTarget } from '../spec.ts';
import { CallGuard } from '../shared/callGuard.ts';
import { failureCode, failureMessage, networkErrorDetail, redact } from '../shared/failures.ts';
import { requestHeaders } from './api.ts';
import { scrubEventText, scrubJson } from './redactJson.ts';
import { EventTooLargeError, SseEventSplitter } from './sseEvents.ts';

export const DEFAULT_MAX_FORWARD_BYTES = 32 * 1024 * 1024;
const MAX_ERROR_TEXT_CHARS = 2000;

/** `${baseUrl}${path}`, keeping any query string of baseUrl. Throws on an invalid URL. */
export function forwardUrl(target: UpstreamTarget, path: string): string {
  const url = new URL(target.baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  return url.toString();
}

/** The same upstream headers chat passes on (rate limits, retry-after, request ids), key scrubbed. */
const PASS_THROUGH_HEADER = /^(retry-after|retry-after-ms|x-ratelimit-[a-z-]+|x-request-id|openai-processing-ms)$/;

function passThroughHeaders(response: Response, secret: string | undefined): PassThroughHeaders {
  const headers: PassThroughHeaders = {};
  response.headers.forEach((value, name) => {
    if (PASS_THROUGH_HEADER.test(name)) headers[name] = redact(value, secret);
  });
  return headers;
}

function failure(target: UpstreamTarget, code: UpstreamFailureCode, phase: 'request' | 'stream', detail: string): Extract<ForwardResult, { kind: 'failure' }> {
  return { kind: 'failure', code, message: redact(failureMessage(target.provider, code, phase, target.timeoutMs, detail), target.apiKey) };
}

/** The body's text, or null when it is longer than maxBytes (the read is then cancelled). */
async function readCapped(response: Response, maxBytes: number): Promise<string | null> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return null;
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const pieces: string[] = [];
  let total = 0;
  for (;;) {
    const read = await reader.read();
    if (read.done) break;
    total += read.value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    pieces.push(decoder.decode(read.value, { stream: true }));
  }
  pieces.push(decoder.decode());
  return pieces.join('');
}

/** An upstream error body to pass on: its JSON when it parses, else its text in OpenAI's shape. */
function errorBody(text: string | null, status: number, secret: string | undefined): { body: unknown; text: string } {
  const json = text === null || text.trim() === '' ? null : scrubJson(text, secret);
  if (json) return { body: json.value, text: json.text };
  const trimmed = text?.trim() ?? '';
  const message =
    text === null
      ? `upstream returned HTTP ${status} with an oversized body`
      : trimmed === ''
        ? `upstream returned HTTP ${status}`
        : /^[[{]/.test(trimmed)
          ? `upstream returned HTTP ${status} with an unreadable JSON body` // its text could hide the key in escapes
          : redact(text, secret).slice(0, MAX_ERROR_TEXT_CHARS);
  const body = { error: { message, type: 'upstream_error', code: null } };
  return { body, text: JSON.stringify(body) };
}

export async function forward(call: ForwardCall): Promise<ForwardResult> {
  const { target } = call;
  const maxBytes = call.maxBodyBytes ?? DEFAULT_MAX_FORWARD_BYTES;
  let url: string;
  try {
    url = forwardUrl(target, call.path);
  } catch {
    return failure(target, 'connection', 'request', 'baseUrl is not a valid URL');
  }
  let body: string;
  try {
    body = JSON.stringify(call.body);
  } catch (error) {
    return failure(target, 'invalid_request', 'request', `the request body cannot be serialised (${error instanceof Error ? error.message : String(error)})`);
  }

  const guard = new CallGuard(call.signal);
  const startedAt = performance.now();
  guard.arm(target.timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: requestHeaders(target, call.stream), body, signal: guard.signal, redirect: 'manual' });
  } catch (error) {
    guard.disarm();
    return failure(target, failureCode(guard.stopReason()), 'request', networkErrorDetail(error));
  }
  const ttfbMs = performance.now() - startedAt;
  const { status } = response;
  const headers = passThroughHeaders(response, target.apiKey);

  if (status >= 400) {
    let text: string | null;
    try {
      text = await readCapped(response, maxBytes);
    } catch {
      text = ''; // the body broke off: report the status alone
    } finally {
      guard.disarm();
    }
    return { kind: 'http_error', status, ...errorBody(text, status, target.apiKey), ttfbMs, headers };
  }
  if (status < 200 || status >= 300 || response.body === null) {
    guard.stop('aborted');
    return failure(target, 'bad_response', 'request', `HTTP ${status}${status >= 300 ? ': redirects are not followed, set baseUrl to the final address' : ' with no body'}`);
  }
  if (call.stream) {
    guard.disarm();
    if ((response.headers.get('content-type') ?? '').includes('application/json')) {
      guard.stop('aborted');
      return failure(target, 'bad_response', 'request', 'a stream was requested but upstream answered with JSON');
    }
    const parts = streamParts(response.body, guard, target, maxBytes);
    return { kind: 'stream', status, parts, ttfbMs, headers };
  }

  let text: string | null;
  try {
    text = await readCapped(response, maxBytes);
  } catch (error) {
    return failure(target, failureCode(guard.stopReason()), 'request', networkErrorDetail(error));
  } finally {
    guard.disarm();
  }
  if (text === null) return failure(target, 'bad_response', 'request', `body exceeds ${maxBytes} bytes`);
  const json = scrubJson(text, target.apiKey);
  if (!json) return failure(target, 'bad_response', 'request', 'body is not JSON');
  return { kind: 'json', status, body: json.value, text: json.text, ttfbMs, headers };
}

function parseObject(data: string | null): Record<string, unknown> | null {
  if (data === null) return null;
  try {
    const value: unknown = JSON.parse(data);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A single-use iterable over the stream's events; cancelling it (return()) aborts the upstream request. */
function streamParts(body: ReadableStream<Uint8Array>, guard: CallGuard, target: UpstreamTarget, maxBytes: number): AsyncIterable<ForwardStreamPart> {
  const generator = readEvents(body, guard, target, maxBytes);
  const iterator: AsyncIterator<ForwardStreamPart> = {
    next: () => generator.next(),
    return: async () => {
      guard.stop('aborted');
      return generator.return(undefined);
    },
  };
  return { [Symbol.asyncIterator]: () => iterator };
}

async function* readEvents(body: ReadableStream<Uint8Array>, guard: CallGuard, target: UpstreamTarget, maxBytes: number): AsyncGenerator<ForwardStreamPart, void, undefined> {
  const reader = body.getReader();
  const splitter = new SseEventSplitter(maxBytes);
  try {
    for (;;) {
      let read: ReadableStreamReadResult<Uint8Array>;
      guard.arm(target.timeoutMs);
      try {
        read = await reader.read();
      } catch (error) {
        const code = failureCode(guard.stopReason());
        yield { type: 'error', code, message: failure(target, code, 'stream', networkErrorDetail(error)).message };
        return;
      } finally {
        guard.disarm();
      }
      let events;
      try {
        events = read.done ? splitter.end() : splitter.push(read.value);
      } catch (error) {
        if (!(error instanceof EventTooLargeError)) throw error;
        guard.stop('aborted');
        yield { type: 'error', code: 'bad_response', message: failure(target, 'bad_response', 'stream', error.message).message };
        return;
      }
      for (const event of events) {
        const scrubbed = scrubEventText(event.raw, event.data, target.apiKey);
        const name = event.event === null ? null : redact(event.event, target.apiKey);
        yield { type: 'event', raw: scrubbed.raw, event: name, data: scrubbed.data, json: parseObject(scrubbed.data) };
      }
      if (read.done) {
        yield { type: 'end' };
        return;
      }
    }
  } finally {
    guard.disarm();
    reader.cancel().catch(() => undefined);
  }
}
