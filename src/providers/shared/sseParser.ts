// Incremental Server-Sent Events parser: bytes in (any split, UTF-8 safe), complete event `data`
// payloads out. Follows the SSE line rules: \n, \r\n or \r endings, several `data:` lines joined by
// \n, comments and other fields (event, id, retry) ignored. Knows nothing about OpenAI.
// Linear in the input whatever the chunking (each character is scanned once), and bounded: an event
// larger than `maxEventChars` throws SseEventTooLargeError instead of growing without limit.

export class SseEventTooLargeError extends Error {
  override readonly name = 'SseEventTooLargeError';
  constructor(readonly limit: number) {
    super(`a stream event is larger than ${limit} characters`);
  }
}

export class SseParser {
  readonly #decoder = new TextDecoder();
  readonly #maxEventChars: number;
  /** Pieces of the line still waiting for its line ending. */
  #partial: string[] = [];
  #partialChars = 0;
  #dataLines: string[] = [];
  #dataChars = 0;
  /** The previous input ended with \r: a \n at the start of the next input belongs to it. */
  #pendingCr = false;
  #ended = false;

  constructor(options: { maxEventChars?: number } = {}) {
    this.#maxEventChars = options.maxEventChars ?? Number.POSITIVE_INFINITY;
  }

  /** Feeds one network chunk; returns the data of every event it completed. */
  push(bytes: Uint8Array): string[] {
    return this.#consume(this.#decoder.decode(bytes, { stream: true }), false);
  }

  /** Ends the input; an event still pending without its blank line is delivered too (lenient). */
  end(): string[] {
    if (this.#ended) return [];
    this.#ended = true;
    const events = this.#consume(this.#decoder.decode(), true);
    if (this.#dataLines.length > 0) events.push(this.#takeEvent());
    return events;
  }

  #consume(text: string, final: boolean): string[] {
    const events: string[] = [];
    let lineStart = 0;
    if (this.#pendingCr && text.charCodeAt(0) === 10) lineStart = 1;
    this.#pendingCr = false;
    for (let i = lineStart; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      this.#readLine(this.#takeLine(text.slice(lineStart, i)), events);
      if (ch === 13) {
        if (i + 1 < text.length) {
          if (text.charCodeAt(i + 1) === 10) i++;
        } else {
          this.#pendingCr = true;
        }
      }
      lineStart = i + 1;
    }
    if (lineStart < text.length) {
      const rest = text.slice(lineStart);
      this.#partial.push(rest);
      this.#partialChars += rest.length;
    }
    if (this.#partialChars + this.#dataChars > this.#maxEventChars) throw new SseEventTooLargeError(this.#maxEventChars);
    if (final && this.#partial.length > 0) this.#readLine(this.#takeLine(''), events);
    return events;
  }

  /** The whole line: the waiting pieces, then `tail`. */
  #takeLine(tail: string): string {
    if (this.#partial.length === 0) return tail;
    this.#partial.push(tail);
    const line = this.#partial.join('');
    this.#partial = [];
    this.#partialChars = 0;
    return line;
  }

  #readLine(line: string, events: string[]): void {
    if (line === '') {
      if (this.#dataLines.length > 0) events.push(this.#takeEvent());
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== 'data') return;
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    this.#dataLines.push(value);
    this.#dataChars += value.length;
    if (this.#dataChars > this.#maxEventChars) throw new SseEventTooLargeError(this.#maxEventChars);
  }

  #takeEvent(): string {
    const data = this.#dataLines.join('\n');
    this.#dataLines = [];
    this.#dataChars = 0;
    return data;
  }
}
