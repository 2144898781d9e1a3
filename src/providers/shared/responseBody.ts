// Reading non-streamed upstream bodies: parsing JSON safely, and turning an upstream HTTP error into
// the body the gateway passes through (the upstream's JSON, or its text wrapped in OpenAI's shape).

import { redact, redactDeep } from './failures.ts';

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

/**
 * The body to pass through for an upstream 4xx/5xx: its JSON when it parses, otherwise
 * `{error:{message,type:'upstream_error'}}` with its text. The API key is scrubbed either way.
 */
export async function readErrorBody(
  response: Response,
  apiKey: string | undefined,
): Promise<unknown> {
  let text = '';
  try {
    text = await response.text();
  } catch {
    // The body broke off: report the status alone.
  }
  const json = text.trim() === '' ? undefined : parseJson(text);
  if (json !== undefined) return redactDeep(json, apiKey);
  const message = text.trim() === '' ? `upstream returned HTTP ${response.status}` : text;
  return {
    error: {
      message: redact(message, apiKey).slice(0, MAX_ERROR_TEXT_CHARS),
      type: 'upstream_error',
    },
  };
}
