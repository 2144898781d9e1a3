// Middleware for the Anthropic routes: every error answer (the gateway's own, auth, body limit,
// an upstream 4xx passed through) leaves in Anthropic's shape {type:"error", error:{type, message}}
// with the same status the OpenAI side would give.

import type { MiddlewareHandler } from 'hono';
import { anthropicErrorBody } from '../../protocol/anthropic/from-chat.ts';

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { error: { message: text.slice(0, 2000) } };
  }
}

export const anthropicErrorShape: MiddlewareHandler = async (c, next) => {
  await next();
  const response = c.res;
  if (response.status < 400 || (response.headers.get('content-type') ?? '').includes('text/event-stream')) return;
  const body = parse(await response.clone().text());
  if (typeof body === 'object' && body !== null && 'type' in body && body.type === 'error') return;
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.set('content-type', 'application/json');
  c.res = undefined;
  c.res = new Response(JSON.stringify(anthropicErrorBody(response.status, body)), { status: response.status, headers });
};
