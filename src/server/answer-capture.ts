// Keeps a sampled request's served answer in memory for shadow judging, and only for sampled
// requests: a non-streamed body is kept by reference and read later (off the request path); a
// stream's content deltas are appended as they pass, up to a character bound. A tool call, a
// second choice or an answer past the bound gives no text (the job is then not judged).

import { firstChoiceText } from './model-call.ts';

export class AnswerCapture {
  private parts: string[] = [];
  private chars = 0;
  private body: string | null = null;
  private unusable = false;

  constructor(private readonly maxChars: number) {}

  /** The upstream's JSON body, as sent on to the client (not parsed now). */
  fromBody(bodyText: string): void {
    // A body much larger than the bound cannot hold an answer within it.
    if (bodyText.length > this.maxChars * 2 + 65_536) this.unusable = true;
    else this.body = bodyText;
  }

  /** One parsed stream chunk. */
  fromChunk(json: Record<string, unknown>): void {
    if (this.unusable) return;
    const choices = json['choices'];
    if (!Array.isArray(choices)) return;
    for (const choice of choices) {
      if (typeof choice !== 'object' || choice === null) continue;
      if ('index' in choice && choice.index !== 0) {
        this.unusable = true;
        return;
      }
      const delta: unknown = 'delta' in choice ? choice.delta : null;
      if (typeof delta !== 'object' || delta === null) continue;
      if ('tool_calls' in delta && delta.tool_calls) {
        this.unusable = true;
        return;
      }
      if ('content' in delta && typeof delta.content === 'string') {
        this.chars += delta.content.length;
        if (this.chars > this.maxChars) {
          this.unusable = true;
          this.parts = [];
          return;
        }
        this.parts.push(delta.content);
      }
    }
  }

  /** The answer's text, or null when there is none worth judging. */
  text(): string | null {
    if (this.unusable) return null;
    if (this.body !== null) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(this.body);
      } catch {
        return null;
      }
      const text = firstChoiceText(parsed);
      return text.length > 0 && text.length <= this.maxChars ? text : null;
    }
    const text = this.parts.join('');
    return text.length > 0 ? text : null;
  }
}
