// The OpenAI-compatible adapter's forward(): the shared forward conformance suite, then the SSE
// event splitter it is built on (line endings, byte-split input, the per-event cap).

import { describe, expect, it } from 'vitest';
import { createOpenAiCompatibleAdapter } from '../../src/providers/openai-compatible/index.ts';
import { SseEventSplitter } from '../../src/providers/openai-compatible/sseEvents.ts';
import { describeForwardConformance } from './forward.conformance.ts';

describeForwardConformance('openai-compatible', { create: createOpenAiCompatibleAdapter });

describe('SseEventSplitter', () => {
  it('splits on \\n, \\r\\n and \\r, delivers an unterminated last event, and drops stray blank lines', () => {
    const splitter = new SseEventSplitter(1000);
    const bytes = new TextEncoder().encode('\n\ndata: a\r\rdata: b\r\n\r\nevent: e\ndata: c');
    const events = [...bytes].flatMap((byte) => splitter.push(new Uint8Array([byte])));
    events.push(...splitter.end());
    expect(events).toEqual([
      { raw: 'data: a\r\r', event: null, data: 'a' },
      { raw: 'data: b\r\n\r\n', event: null, data: 'b' },
      { raw: 'event: e\ndata: c\n\n', event: 'e', data: 'c' },
    ]);
  });

  it('throws EventTooLargeError once an unfinished event passes the cap', () => {
    const splitter = new SseEventSplitter(100);
    expect(splitter.push(new TextEncoder().encode(`data: ${'y'.repeat(50)}\n\n`))).toHaveLength(1);
    expect(() => splitter.push(new TextEncoder().encode(`data: ${'y'.repeat(200)}`))).toThrow(/exceeds 100/);
  });
});
