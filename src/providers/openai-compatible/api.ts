// Where and how to reach an OpenAI-compatible upstream: the chat completions URL and the headers
// (bearer key when configured, then the target's own headers).

import type { UpstreamTarget } from '../spec.ts';

/** `${baseUrl}/chat/completions`, keeping any query string of baseUrl (e.g. ?api-version=). Throws on an invalid URL. */
export function chatCompletionsUrl(target: UpstreamTarget): string {
  const url = new URL(target.baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/chat/completions`;
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
