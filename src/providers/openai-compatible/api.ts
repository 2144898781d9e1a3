// Where and how to reach an OpenAI-compatible upstream: the URL of a path under baseUrl (chat
// completions, or a forwarded path) and the headers (bearer key when configured, then the target's own).

import type { UpstreamTarget } from '../spec.ts';

/** `${baseUrl}/chat/completions`, keeping any query string of baseUrl (e.g. ?api-version=). Throws on an invalid URL. */
export function chatCompletionsUrl(target: UpstreamTarget): string {
  return upstreamUrl(target, '/chat/completions');
}

/** `${baseUrl}${path}`, keeping any query string of baseUrl. Throws on an invalid URL. */
export function upstreamUrl(target: UpstreamTarget, path: string): string {
  const url = new URL(target.baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  return url.toString();
}

export function requestHeaders(target: UpstreamTarget, stream: boolean): Headers {
  const headers = new Headers({
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
  });
  if (target.apiKey) headers.set('authorization', `Bearer ${target.apiKey}`);
  for (const [name, value] of Object.entries(target.headers ?? {})) headers.set(name, value);
  return headers;
}
