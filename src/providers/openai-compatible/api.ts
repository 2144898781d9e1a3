// Where and how to reach an OpenAI-compatible upstream: the URL of a path under baseUrl (chat
// completions, or a forwarded path) and the headers (bearer key when configured, then the target's
// own). URLs are joined once per (baseUrl, path) pair: both come from config.

import type { OutgoingHttpHeaders } from 'node:http';
import type { UpstreamTarget } from '../spec.ts';

/** `${baseUrl}/chat/completions`, keeping any query string of baseUrl (e.g. ?api-version=). Throws on an invalid URL. */
export function chatCompletionsUrl(target: UpstreamTarget): string {
  return upstreamUrl(target, '/chat/completions');
}

const MAX_JOINED = 1024;
const joined = new Map<string, string>();

/** `${baseUrl}${path}`, keeping any query string of baseUrl. Throws on an invalid URL. */
export function upstreamUrl(target: UpstreamTarget, path: string): string {
  const key = `${target.baseUrl}\n${path}`;
  const known = joined.get(key);
  if (known !== undefined) return known;
  const url = new URL(target.baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  const text = url.toString();
  if (joined.size >= MAX_JOINED) joined.clear();
  joined.set(key, text);
  return text;
}

/** Request headers: JSON in, JSON or SSE out, the bearer key, then the target's headers (names case-insensitive, the target's win). */
export function requestHeaders(target: UpstreamTarget, stream: boolean): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
  };
  if (target.apiKey) headers['authorization'] = `Bearer ${target.apiKey}`;
  if (target.headers) for (const name of Object.keys(target.headers)) headers[name.toLowerCase()] = target.headers[name];
  return headers;
}
