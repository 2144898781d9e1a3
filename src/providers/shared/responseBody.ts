// Reading non-streamed upstream bodies: with a size cap, parsing JSON safely, and turning an upstream
// HTTP error into the body the gateway passes through (the upstream's JSON text, or its text wrapped
// in OpenAI's shape). The key is scrubbed from the text before anything parses it, so no deep walk
// over a hostile body is needed, and the text is passed on as it is, never re-serialised.

import { redact } from './failures.ts';
import type { UpstreamResponse } from './httpTransport.ts';

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

/**
 * The whole body as text, reading at most `maxBytes`: past it (or when content-length says so) the
 * response and its socket are destroyed and BodyTooLargeError is thrown. A body that breaks off
 * rejects with the stream's error.
 */
export function readBodyText(response: UpstreamResponse, maxBytes: number): Promise<string> {
  const { body } = response;
  return new Promise((resolve, reject) => {
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      body.destroy();
      reject(new BodyTooLargeError(maxBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        body.off('data', onData);
        body.destroy();
        reject(new BodyTooLargeError(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    body.on('data', onData);
    body.once('end', () => resolve(chunks.length === 1 ? (chunks[0] ?? Buffer.alloc(0)).toString('utf8') : Buffer.concat(chunks, size).toString('utf8')));
    body.once('error', reject);
    // Destroyed without an error (e.g. the socket closed early): no 'end' will come.
    body.once('close', () => {
      if (!body.complete) reject(Object.assign(new Error('the response body broke off'), { code: 'ECONNRESET' }));
    });
  });
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
export async function readErrorBody(response: UpstreamResponse, apiKey: string | undefined, maxBytes: number): Promise<ErrorBody> {
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
