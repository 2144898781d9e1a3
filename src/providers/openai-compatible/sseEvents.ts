// Splits an SSE byte stream into whole events while keeping each event's text as upstream wrote it
// (`event:`, `id:` lines and comments included), so a pass-through can send it on unchanged. Scans
// each character once (no quadratic rescans) and bounds how much one unfinished event may buffer.

export interface RawSseEvent {
  /** The event's text including its terminating blank line. */
  raw: string;
  /** Value of the last `event:` line, or null. */
  event: string | null;
  /** `data:` lines joined by \n, or null when the event had none (e.g. a comment). */
  data: string | null;
}

export class EventTooLargeError extends Error {
  override readonly name = 'EventTooLargeError';
}

export class SseEventSplitter {
  readonly #decoder = new TextDecoder();
  readonly #maxChars: number;
  /** Text of the unfinished event (everything after the last event boundary). */
  #buffer = '';
  /** Start of the current, unfinished line in #buffer. */
  #lineStart = 0;
  /** Where scanning for a line ending resumes. */
  #scan = 0;
  #event: string | null = null;
  #data: string[] = [];
  #ended = false;

  constructor(maxChars: number) {
    this.#maxChars = maxChars;
  }

  /** Feeds one network chunk; returns the events it completed. Throws EventTooLargeError past the cap. */
  push(bytes: Uint8Array): RawSseEvent[] {
    return this.#consume(this.#decoder.decode(bytes, { stream: true }), false);
  }

  /** Ends the input; a last event without its blank line is delivered too, terminated. */
  end(): RawSseEvent[] {
    if (this.#ended) return [];
    this.#ended = true;
    const events = this.#consume(this.#decoder.decode(), true);
    if (this.#buffer.trim() !== '') {
      if (this.#lineStart < this.#buffer.length) this.#readLine(this.#buffer.slice(this.#lineStart));
      events.push(this.#take(`${this.#buffer}\n\n`));
    }
    this.#buffer = '';
    return events;
  }

  #consume(text: string, final: boolean): RawSseEvent[] {
    const buffer = this.#buffer + text;
    const events: RawSseEvent[] = [];
    let eventStart = 0;
    let i = this.#scan;
    for (; i < buffer.length; i++) {
      const ch = buffer.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      // A trailing \r may be the first half of a \r\n split across chunks: wait for more input.
      if (ch === 13 && i + 1 === buffer.length && !final) break;
      const line = buffer.slice(this.#lineStart, i);
      if (ch === 13 && buffer.charCodeAt(i + 1) === 10) i++;
      this.#lineStart = i + 1;
      if (line === '') {
        // A blank line ends an event; blank lines with nothing before them are dropped.
        const raw = buffer.slice(eventStart, this.#lineStart);
        if (raw.trim() !== '') events.push(this.#take(raw));
        eventStart = this.#lineStart;
      } else {
        this.#readLine(line);
      }
    }
    this.#buffer = buffer.slice(eventStart);
    this.#lineStart -= eventStart;
    this.#scan = i - eventStart;
    if (this.#buffer.length > this.#maxChars) {
      throw new EventTooLargeError(`an upstream SSE event exceeds ${this.#maxChars} characters`);
    }
    return events;
  }

  #readLine(line: string): void {
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
  }

  #take(raw: string): RawSseEvent {
    const event: RawSseEvent = { raw, event: this.#event, data: this.#data.length > 0 ? this.#data.join('\n') : null };
    this.#event = null;
    this.#data = [];
    return event;
  }
}
