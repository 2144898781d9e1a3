// Reading a request header without building a web Headers object: under @hono/node-server the
// node:http request is at hand (c.env.incoming) and its headers are already a plain object; other
// runtimes (tests calling app.request) fall back to Hono's c.req.header. Duplicate headers read
// as Node joins them. Also the client-gone signal, made once per connection.

import { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
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

const socketSignals = new WeakMap<Socket, AbortSignal>();

/**
 * A signal that aborts when the client goes away, i.e. when its connection closes. Under
 * @hono/node-server it is made once per TCP connection and shared by the requests a keep-alive
 * connection carries one after another (Node 20 makes every AbortSignal slowly, and a request's
 * own one cost a few percent of the gateway's time). Elsewhere it is the request's own signal.
 */
export function clientSignal(c: Context): AbortSignal {
  const socket = nodeRequest(c)?.socket;
  if (!socket) return c.req.raw.signal;
  let signal = socketSignals.get(socket);
  if (!signal) {
    const controller = new AbortController();
    signal = controller.signal;
    socketSignals.set(socket, signal);
    if (socket.destroyed) controller.abort(new Error('client connection closed'));
    else socket.once('close', () => controller.abort(new Error('client connection closed')));
  }
  return signal;
}
