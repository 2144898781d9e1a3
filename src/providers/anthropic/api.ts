// Where and how to reach an Anthropic Messages upstream: `${baseUrl}/messages` (baseUrl ends in
// /v1, like https://api.anthropic.com/v1), the key in x-api-key, the API version header, then the
// target's own headers (which may set anthropic-version or anthropic-beta).

import type { OutgoingHttpHeaders } from 'node:http';
import type { UpstreamTarget } from '../spec.ts';

/** The Messages API version this adapter speaks. */
export const ANTHROPIC_VERSION = '2023-06-01';

/** `${baseUrl}/messages`, keeping any query string of baseUrl. Throws on an invalid URL. */
export function messagesUrl(target: UpstreamTarget): string {
  const url = new URL(target.baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/messages`;
  return url.toString();
}

/** Request headers; `beta` is the client's anthropic-beta header (the target's own headers win). */
export function anthropicHeaders(target: UpstreamTarget, stream: boolean, beta?: string): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
    'anthropic-version': ANTHROPIC_VERSION,
  };
  if (target.apiKey) headers['x-api-key'] = target.apiKey;
  if (beta) headers['anthropic-beta'] = beta;
  for (const [name, value] of Object.entries(target.headers ?? {})) headers[name.toLowerCase()] = value;
  return headers;
}
