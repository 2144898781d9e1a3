// Generic forwarding for OpenAI-compatible paths other than chat (/embeddings, /completions,
// /responses): POSTs the client's body with `model` set to the target's id, reads JSON answers
// under target.maxResponseBytes, and passes SSE streams on event by event with the raw text kept.
// The API key is scrubbed from bodies (even behind JSON escapes), events and headers.

import type { IncomingMessage } from 'node:http';
import { postJson, readAnswerText, usableAnswer } from '../shared/post.ts';
import { DEFAULT_MAX_RESPONSE_BYTES, type ForwardCall, type ForwardResult, type ForwardStreamPart, type UpstreamTarget } from '../spec.ts';
import type { CallGuard } from '../shared/callGuard.ts';
import { ChunkReader } from '../shared/chunkReader.ts';
import type { UpstreamResponse } from '../shared/httpTransport.ts';
import { failureCode, networkErrorDetail, redact } from '../shared/failures.ts';
import { BodyTooLargeError, parseJsonObject, readBodyText } from '../shared/responseBody.ts';
import { requestHeaders, upstreamUrl } from './api.ts';
import { scrubEventText, scrubJson } from './redactJson.ts';
import { failure, passThroughHeaders, safeMessage } from '../shared/results.ts';
import { EventTooLargeError, SseEventSplitter } from './sseEvents.ts';

const MAX_ERROR_TEXT_CHARS = 2000;

/** An upstream error body to pass on: its JSON when it parses, else its text in OpenAI's shape (null text: too large). */
function errorBody(text: string | null, status: number, secret: string | undefined): { body: unknown; bodyText: string } {
  const json = text === null || text.trim() === '' ? null : scrubJson(text, secret);
  if (json) return { body: json.value, bodyText: json.text };
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
  return { body, bodyText: JSON.stringify(body) };
}

/** The error body's text: null when it is over the cap, '' when it broke off. */
async function readErrorText(response: UpstreamResponse, maxBytes: number): Promise<string | null> {
  try {
    return await readBodyText(response, maxBytes);
  } catch (error) {
    return error instanceof BodyTooLargeError ? null : '';
  }
}

export async function forward(call: ForwardCall): Promise<ForwardResult> {
  const { target } = call;
  const maxBytes = target.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const posted = await postJson(target, () => upstreamUrl(target, call.path), () => ({ ...call.body, model: target.modelId }), () => requestHeaders(target, call.stream), call.signal);
  if (posted.kind === 'failure') return posted;
  const { response, guard, ttfbMs } = posted;
  const { status } = response;
  const headers = passThroughHeaders(response, target.apiKey);

  if (status >= 400) {
    const text = await readErrorText(response, maxBytes);
    guard.release();
    return { kind: 'http_error', status, ...errorBody(text, status, target.apiKey), ttfbMs, headers };
  }
  const usable = usableAnswer(target, posted);
  if (usable.kind === 'failure') return usable;
  if (call.stream) {
    guard.disarm();
    if ((response.headers['content-type'] ?? '').includes('application/json')) {
      guard.stop('aborted');
      return failure(target, 'bad_response', 'a stream was requested but upstream answered with JSON');
    }
    return { kind: 'stream', status, parts: streamParts(usable.body, guard, target, maxBytes), ttfbMs, headers };
  }

  const text = await readAnswerText(target, posted, maxBytes);
  if (typeof text !== 'string') return text;
  const json = scrubJson(text, target.apiKey);
  if (!json) return failure(target, 'bad_response', 'body is not JSON');
  return { kind: 'json', status, body: json.value, bodyText: json.text, ttfbMs, headers };
}

/** A single-use iterable over the stream's events; cancelling it (return()) aborts the upstream request. */
function streamParts(body: IncomingMessage, guard: CallGuard, target: UpstreamTarget, maxBytes: number): AsyncIterable<ForwardStreamPart> {
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

async function* readEvents(body: IncomingMessage, guard: CallGuard, target: UpstreamTarget, maxBytes: number): AsyncGenerator<ForwardStreamPart, void, undefined> {
  const reader = new ChunkReader(body);
  const splitter = new SseEventSplitter(maxBytes);
  try {
    for (;;) {
      let chunk: Buffer | null;
      guard.arm(target.timeoutMs);
      try {
        chunk = await reader.read();
      } catch (error) {
        const code = failureCode(guard.stopReason());
        yield { type: 'error', code, message: safeMessage(target, code, 'stream', networkErrorDetail(error)) };
        return;
      } finally {
        guard.disarm();
      }
      let events;
      try {
        events = chunk === null ? splitter.end() : splitter.push(chunk);
      } catch (error) {
        if (!(error instanceof EventTooLargeError)) throw error;
        guard.stop('aborted');
        yield { type: 'error', code: 'bad_response', message: safeMessage(target, 'bad_response', 'stream', error.message) };
        return;
      }
      for (const event of events) {
        const scrubbed = scrubEventText(event.raw, event.data, target.apiKey);
        const name = event.event === null ? null : redact(event.event, target.apiKey);
        yield { type: 'event', raw: scrubbed.raw, event: name, data: scrubbed.data, json: scrubbed.data === null ? null : parseJsonObject(scrubbed.data) };
      }
      if (chunk === null) {
        guard.release();
        yield { type: 'end' };
        return;
      }
    }
  } finally {
    reader.close('destroy');
    guard.release();
  }
}
