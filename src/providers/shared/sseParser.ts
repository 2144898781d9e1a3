// Incremental Server-Sent Events parser: bytes in (any split, UTF-8 safe), complete event `data`
// payloads out. Follows the SSE line rules: \n, \r\n or \r endings, several `data:` lines joined by
// \n, comments and other fields (event, id, retry) ignored. Knows nothing about OpenAI.

export class SseParser {
  readonly #decoder = new TextDecoder();
  #buffer = '';
  /** Index in #buffer up to which no line ending has been found yet. */
  #scanned = 0;
  #dataLines: string[] = [];
  #ended = false;

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
    this.#buffer += text;
    const events: string[] = [];
    const buffer = this.#buffer;
    let lineStart = 0;
    let i = this.#scanned;
    for (; i < buffer.length; i++) {
      const ch = buffer.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      // A trailing \r may be the first half of a \r\n split across chunks: wait for more input.
      if (ch === 13 && i + 1 === buffer.length && !final) break;
      this.#readLine(buffer.slice(lineStart, i), events);
      if (ch === 13 && buffer.charCodeAt(i + 1) === 10) i++;
      lineStart = i + 1;
    }
    this.#buffer = buffer.slice(lineStart);
    this.#scanned = Math.max(0, i - lineStart);
    if (final && this.#buffer.length > 0) {
      this.#readLine(this.#buffer, events);
      this.#buffer = '';
      this.#scanned = 0;
    }
    return events;
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
  }

  #takeEvent(): string {
    const data = this.#dataLines.join('\n');
    this.#dataLines = [];
    return data;
  }
}
