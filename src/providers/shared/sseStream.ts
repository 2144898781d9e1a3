// Reads an upstream SSE response body as typed StreamParts while the bytes arrive: never buffers the
// whole body, stops with an error part on reset / idle timeout / abort, ends with 'done' on [DONE]
// or a clean close (or when the classifier says an event ended the answer). Cancelling the iteration (return()) aborts the upstream request. An event larger
// than maxEventChars ends the stream with a bad_response error part (memory stays bounded).
// After [DONE] the rest of the answer is drained so its keep-alive socket can be reused.

import type { IncomingMessage } from 'node:http';
import type { StreamPart } from '../spec.ts';
import type { CallGuard } from './callGuard.ts';
import { ChunkReader } from './chunkReader.ts';
import { SseEventTooLargeError, SseParser } from './sseParser.ts';

export interface SseStreamOptions {
  body: IncomingMessage;
  guard: CallGuard;
  /** Longest wait allowed for the next network chunk. */
  idleTimeoutMs: number;
  /** Parts for one event's data (provider-specific classification). */
  classify: (data: string) => StreamPart[];
  /** The error part for a broken stream (the guard tells why it broke). */
  brokenPart: (error: unknown) => StreamPart;
  /** Largest single event accepted (characters of its data). */
  maxEventChars: number;
}

const DONE_SENTINEL = '[DONE]';

/** A single-use AsyncIterable over the stream's parts. */
export function sseStreamParts(options: SseStreamOptions): AsyncIterable<StreamPart> {
  const generator = readParts(options);
  const iterator: AsyncIterator<StreamPart> = {
    next: () => generator.next(),
    return: async () => {
      options.guard.stop('aborted');
      return generator.return(undefined);
    },
  };
  return { [Symbol.asyncIterator]: () => iterator };
}

async function* readParts(options: SseStreamOptions): AsyncGenerator<StreamPart, void, undefined> {
  const { guard, classify } = options;
  const reader = new ChunkReader(options.body);
  let sentinel = false;
  const parser = new SseParser({ maxEventChars: options.maxEventChars });
  try {
    for (;;) {
      let chunk: Buffer | null;
      guard.arm(options.idleTimeoutMs);
      try {
        chunk = await reader.read();
      } catch (error) {
        yield options.brokenPart(error);
        return;
      } finally {
        guard.disarm();
      }
      let events: string[];
      try {
        events = chunk === null ? parser.end() : parser.push(chunk);
      } catch (error) {
        if (!(error instanceof SseEventTooLargeError)) throw error;
        guard.stop('aborted');
        yield { type: 'error', code: 'bad_response', message: `upstream stream sent an event larger than ${error.limit} bytes` };
        return;
      }
      for (const data of events) {
        if (data.trim() === DONE_SENTINEL) {
          sentinel = true;
          // Finished: a cancel after this must not close the socket (the rest of the answer drains).
          reader.close('drain');
          guard.release();
          yield { type: 'done', sentinel: true };
          return;
        }
        const parts = classify(data);
        yield* parts;
        // An API without a [DONE] sentinel ends its answer with an event the classifier marks as done.
        if (parts.some((part) => part.type === 'done')) return;
      }
      if (chunk === null) {
        guard.release();
        // Closed without [DONE]: the consumer decides whether that is a complete answer.
        yield { type: 'done', sentinel: false };
        return;
      }
    }
  } finally {
    reader.close(sentinel ? 'drain' : 'destroy');
    guard.release();
  }
}
