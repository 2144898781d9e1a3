// Reading a request header without building a web Headers object: under @hono/node-server the
// node:http request is at hand (c.env.incoming) and its headers are already a plain object; other
// runtimes (tests calling app.request) fall back to Hono's c.req.header. Duplicate headers read
// as Node joins them.

import { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/** The node:http request behind `c`, when the app runs under @hono/node-server. */
export function nodeRequest(c: Context): IncomingMessage | undefined {
  const env: unknown = c.env;
  if (typeof env === 'object' && env !== null && 'incoming' in env && env.incoming instanceof IncomingMessage) return env.incoming;
  return undefined;
}

/** The value of header `name` (lower case), or undefined. */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = nodeRequest(c);
  if (!incoming) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
