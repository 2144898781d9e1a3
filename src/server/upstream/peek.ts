// Looks at the start of an upstream stream before anything is sent to the client: reads past
// preamble chunks (the role announcement with no content) to the first real part. A stream whose
// start is an error (reset, idle timeout, malformed data, an upstream error event, or an empty
// close) is reported as a failure, so the caller can still try another model. Otherwise the parts
// are handed back with the peeked ones first. The same peek serves forwarded streams (their parts
// are raw SSE events; the endpoint says which events are preamble or an error).

import type { StreamPart, UpstreamFailureCode } from '../../providers/spec.ts';

/** At most this many preamble parts are held back before the stream is committed to anyway. */
const MAX_HELD_PARTS = 8;

export type PeekFailure = { code: UpstreamFailureCode; message: string } | null;

export interface PeekedStream<P = StreamPart> {
  /** Set when the stream failed before its first real chunk (the upstream call is then cancelled). */
  failure: PeekFailure;
  parts: AsyncIterable<P>;
}

/** How to read one kind of stream part while peeking. */
export interface PeekRules<P> {
  /** The part standing for the iterator's end. */
  end: P;
  /** Why this part, arriving before any real one, fails the stream; null when it does not. */
  failureOf(part: P): PeekFailure;
  /** A part that shows the client nothing yet (keep reading past it). */
  isPreamble(part: P): boolean;
}

/** A chunk that carries nothing a client would show: every choice's delta is only a role or empty text. */
function isPreamble(part: Extract<StreamPart, { type: 'chunk' }>): boolean {
  if (part.finishReason !== null || part.isUsageOnly) return false;
  const choices = part.json['choices'];
  if (!Array.isArray(choices) || choices.length === 0) return false;
  return choices.every((choice: unknown) => {
    if (typeof choice !== 'object' || choice === null || !('delta' in choice)) return false;
    const delta = choice.delta;
    if (typeof delta !== 'object' || delta === null) return false;
    return Object.entries(delta).every(([key, value]) => key === 'role' || value === null || value === '');
  });
}

function failureOf(part: StreamPart): PeekFailure {
  if (part.type === 'error') return { code: part.code, message: part.message };
  if (part.type === 'upstream-error') return { code: 'bad_response', message: part.message };
  if (part.type === 'done') return { code: 'bad_response', message: 'upstream stream ended before its first chunk' };
  return null;
}

const CHAT_RULES: PeekRules<StreamPart> = {
  end: { type: 'done', sentinel: false },
  failureOf,
  isPreamble: (part) => part.type === 'chunk' && isPreamble(part),
};

export function peekStream(parts: AsyncIterable<StreamPart>): Promise<PeekedStream> {
  return peekParts(parts, CHAT_RULES);
}

export async function peekParts<P>(parts: AsyncIterable<P>, rules: PeekRules<P>): Promise<PeekedStream<P>> {
  const iterator = parts[Symbol.asyncIterator]();
  const held: P[] = [];
  for (;;) {
    let next: IteratorResult<P>;
    try {
      next = await iterator.next();
    } catch (error) {
      await iterator.return?.();
      return { failure: { code: 'bad_response', message: error instanceof Error ? error.message : String(error) }, parts };
    }
    const part: P = next.done ? rules.end : next.value;
    const failure = rules.failureOf(part);
    if (failure) {
      await iterator.return?.();
      return { failure, parts };
    }
    held.push(part);
    if (!rules.isPreamble(part) || held.length >= MAX_HELD_PARTS) break;
  }
  const replay: AsyncIterator<P> = {
    next: async () => {
      const part = held.shift();
      return part !== undefined ? { done: false, value: part } : iterator.next();
    },
    return: async () => {
      held.length = 0;
      return (await iterator.return?.()) ?? { done: true, value: undefined };
    },
  };
  return { failure: null, parts: { [Symbol.asyncIterator]: () => replay } };
}
