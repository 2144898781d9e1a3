// Reading non-streamed upstream bodies: with a size cap, parsing JSON safely, and turning an upstream
// HTTP error into the body the gateway passes through (the upstream's JSON text, or its text wrapped
// in OpenAI's shape). The key is scrubbed from the text before anything parses it, so no deep walk
// over a hostile body is needed, and the text is passed on as it is, never re-serialised.

import { redact } from './failures.ts';

const MAX_ERROR_TEXT_CHARS = 2000;

/** The parsed JSON value of `text`, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The parsed JSON object of `text`, or null when it is not a JSON object. */
export function parseJsonObject(text: string): Record<string, unknown> | null {
  const value = parseJson(text);
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  constructor(readonly limit: number) {
    super(`response body is larger than ${limit} bytes`);
  }
}

/** The whole body as text, reading at most `maxBytes` (throws BodyTooLargeError past it). */
export async function readBodyText(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const declared = Number(response.headers.get('content-length'));
  const reader = response.body.getReader();
  if (Number.isFinite(declared) && declared > maxBytes) {
    await reader.cancel().catch(() => undefined);
    throw new BodyTooLargeError(maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/** An upstream error body ready to pass through: its parsed form and its text. */
export interface ErrorBody {
  body: unknown;
  bodyText: string;
}

/**
 * The body to pass through for an upstream 4xx/5xx: its JSON text when it parses, otherwise
 * `{error:{message,type:'upstream_error'}}` with its text. The API key is scrubbed either way.
 */
export async function readErrorBody(response: Response, apiKey: string | undefined, maxBytes: number): Promise<ErrorBody> {
  let text = '';
  try {
    text = redact(await readBodyText(response, Math.min(maxBytes, 1024 * 1024)), apiKey);
  } catch {
    // The body broke off or was too large: report the status alone.
  }
  const json = text.trim() === '' ? undefined : parseJson(text);
  if (json !== undefined) return { body: json, bodyText: text };
  const message = text.trim() === '' ? `upstream returned HTTP ${response.status}` : text;
  const body = { error: { message: message.slice(0, MAX_ERROR_TEXT_CHARS), type: 'upstream_error' } };
  return { body, bodyText: JSON.stringify(body) };
}
