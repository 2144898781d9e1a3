// The incremental SSE parser: events split at every possible byte boundary, line-ending variants,
// multi-line data, comments and other fields, UTF-8 split across chunks, a last event without its blank line.

import { describe, expect, it } from 'vitest';
import { SseParser } from '../../src/providers/shared/sseParser.ts';

const encoder = new TextEncoder();

function parseInPieces(bytes: Uint8Array, cuts: number[]): string[] {
  const parser = new SseParser();
  const events: string[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    events.push(...parser.push(bytes.slice(start, cut)));
    start = cut;
  }
  return [...events, ...parser.end()];
}

describe('SseParser', () => {
  const stream = ': keep-alive\r\n\r\ndata: {"a":"é✓"}\r\n\r\nevent: message\nid: 7\ndata:first\ndata: second\n\ndata: x\r\rdata: [DONE]\n\n';
  const expected = ['{"a":"é✓"}', 'first\nsecond', 'x', '[DONE]'];

  it('parses a whole stream at once', () => {
    expect(parseInPieces(encoder.encode(stream), [])).toEqual(expected);
  });

  it('gives the same events when split at any byte, or into single bytes', () => {
    const bytes = encoder.encode(stream);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(parseInPieces(bytes, [cut]), `cut at ${cut}`).toEqual(expected);
    }
    const everyByte = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    expect(parseInPieces(bytes, everyByte)).toEqual(expected);
  });

  it('emits an event as soon as its blank line arrives', () => {
    const parser = new SseParser();
    expect(parser.push(encoder.encode('data: one\n'))).toEqual([]);
    expect(parser.push(encoder.encode('\ndata: tw'))).toEqual(['one']);
    expect(parser.push(encoder.encode('o\n\n'))).toEqual(['two']);
  });

  it('delivers a last event that lacks its blank line at the end of input, once', () => {
    const parser = new SseParser();
    expect(parser.push(encoder.encode('data: tail'))).toEqual([]);
    expect(parser.end()).toEqual(['tail']);
    expect(parser.end()).toEqual([]);
  });

  it('ignores events without data', () => {
    expect(parseInPieces(encoder.encode('event: ping\n\n:comment\n\nretry: 10\n\n'), [])).toEqual([]);
  });
});
