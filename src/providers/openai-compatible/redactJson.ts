// Scrubbing the API key out of JSON text an upstream sent, however it is spelled: literally, or with
// JSON escapes (\u0073k-..., \/). The fast path replaces the literal text; when escapes could hide
// the key, the value is parsed, re-serialised (escapes undone) and scrubbed again.

import { redact } from '../shared/failures.ts';

export interface ScrubbedJson {
  /** JSON text safe to send on. */
  text: string;
  /** Its parsed value. */
  value: unknown;
}

/** Characters JSON may escape with a short form (\" \\ \/); a key containing them needs the slow path. */
const SHORT_ESCAPABLE = /["\\/]/;

/**
 * The JSON in `text` with `secret` scrubbed, or null when `text` is not JSON (or too deep to
 * re-serialise). Never throws.
 */
export function scrubJson(text: string, secret: string | undefined): ScrubbedJson | null {
  try {
    if (!secret) return { text, value: JSON.parse(text) as unknown };
    if (!text.includes('\\u') && !SHORT_ESCAPABLE.test(secret)) {
      // Every character of the key can only appear literally: plain replacement is enough.
      const scrubbed = redact(text, secret);
      return { text: scrubbed, value: JSON.parse(scrubbed) as unknown };
    }
    const canonical = redact(JSON.stringify(JSON.parse(text)), secret);
    return { text: canonical, value: JSON.parse(canonical) as unknown };
  } catch {
    return null;
  }
}

/** One SSE data payload scrubbed: literal replacement, then the escape-proof path when it is JSON with escapes. */
export function scrubEventText(raw: string, data: string | null, secret: string | undefined): { raw: string; data: string | null } {
  if (!secret) return { raw, data };
  const literal = redact(raw, secret);
  const literalData = data === null ? null : redact(data, secret);
  if (literalData === null || (!literalData.includes('\\u') && !SHORT_ESCAPABLE.test(secret))) {
    return { raw: literal, data: literalData };
  }
  let canonical: string;
  try {
    canonical = JSON.stringify(JSON.parse(literalData));
  } catch {
    return { raw: literal, data: literalData };
  }
  if (!canonical.includes(secret)) return { raw: literal, data: literalData };
  // The key was hidden behind escapes: rebuild the event from its canonical, scrubbed JSON.
  const scrubbed = redact(canonical, secret);
  const eventLine = /^event:[^\r\n]*\r?\n/m.exec(literal)?.[0] ?? '';
  return { raw: `${eventLine}data: ${scrubbed}\n\n`, data: scrubbed };
}
