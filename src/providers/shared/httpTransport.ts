// The outbound HTTP transport of the adapters: one POST over node:http / node:https through pooled
// keep-alive agents (one per protocol, shared by every upstream; LIFO so the warmest socket is
// reused, idle sockets closed before the server's Keep-Alive hint runs out). No fetch, no web
// streams, no AbortController per call: the CallGuard's stop destroys the request and its socket,
// so a timeout or a client that left never leaves a half-read socket in the pool. A request that
// fails on a reused keep-alive socket before any answer (the server closed it while idle) is sent
// once more on a new connection of its own, never on another pooled socket: a server's keep-alive
// timeout drops every idle socket at once, so the next one in the pool is likely stale too.
// Redirects are never followed (node:http does not).

import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { CallGuard } from './callGuard.ts';

/** An upstream answer: status and headers arrived; the body is still to be read (or destroyed). */
export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
}

/** Where a POST goes, parsed once per URL. */
interface Endpoint {
  secure: boolean;
  hostname: string;
  port: number | undefined;
  path: string;
}

const AGENT_OPTIONS = { keepAlive: true, scheduling: 'lifo', maxFreeSockets: 256 } as const;
const httpAgent = new http.Agent(AGENT_OPTIONS);
const httpsAgent = new https.Agent(AGENT_OPTIONS);

const MAX_ENDPOINTS = 1024;
const endpoints = new Map<string, Endpoint>();

/** The parsed form of `url` (cached; URLs come from config). Throws on an invalid or non-HTTP URL. */
function endpoint(url: string): Endpoint {
  const known = endpoints.get(url);
  if (known) return known;
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`unsupported protocol ${parsed.protocol}`);
  const found: Endpoint = {
    secure: parsed.protocol === 'https:',
    // node:http wants an IPv6 literal without its brackets.
    hostname: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? undefined : Number(parsed.port),
    path: `${parsed.pathname}${parsed.search}`,
  };
  if (endpoints.size >= MAX_ENDPOINTS) endpoints.clear();
  endpoints.set(url, found);
  return found;
}

/** Throws when `url` cannot be posted to (checked before anything is serialised or sent). */
export function checkUrl(url: string): void {
  endpoint(url);
}

class StoppedError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('the upstream request was stopped');
  }
}

/** What a stale idle socket gives when written to: reset (ECONNRESET) or a closed pipe (EPIPE). */
const STALE_SOCKET_CODES: ReadonlySet<unknown> = new Set(['ECONNRESET', 'EPIPE']);

function isResetOnReuse(error: unknown, reused: boolean): boolean {
  return reused && error instanceof Error && 'code' in error && STALE_SOCKET_CODES.has(error.code);
}

/**
 * POSTs `body` to `url` and resolves when the answer's headers arrive. Rejects with the network
 * error (its `code` says what went wrong) or, when the guard stopped the call, an AbortError. Once
 * resolved, stopping the guard destroys the response and its socket.
 */
export function postBody(url: string, headers: OutgoingHttpHeaders, body: Buffer, guard: CallGuard): Promise<UpstreamResponse> {
  const target = endpoint(url);
  // One options object for the call; its one resend after a reset (pooled: false) swaps the pooled
  // agent for a connection of its own. node:http copies what it keeps.
  const options = {
    method: 'POST',
    hostname: target.hostname,
    port: target.port,
    path: target.path,
    headers: { ...headers, 'content-length': body.byteLength },
    agent: target.secure ? httpsAgent : httpAgent,
  };
  const send = (pooled: boolean): Promise<UpstreamResponse> =>
    new Promise((resolve, reject) => {
      let answered = false;
      let request: http.ClientRequest;
      try {
        const sent = pooled ? options : { ...options, agent: false };
        request = target.secure ? https.request(sent) : http.request(sent);
      } catch (error) {
        reject(error); // e.g. an invalid character in a configured header
        return;
      }
      request.on('response', (response: IncomingMessage) => {
        answered = true;
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: response });
      });
      request.on('error', (error) => {
        if (answered) return; // the response's own reader sees it
        if (!guard.stopped && pooled && isResetOnReuse(error, request.reusedSocket)) {
          send(false).then(resolve, reject);
          return;
        }
        reject(guard.stopped ? new StoppedError() : error);
      });
      guard.onStop(() => request.destroy(new StoppedError()));
      request.end(body);
    });
  return send(true);
}

/** Idle keep-alive sockets the pool holds for the origin of `url` (for tests and diagnostics). */
export function idleSockets(url: string): number {
  const target = endpoint(url);
  const agent = target.secure ? httpsAgent : httpAgent;
  const name = agent.getName({ host: target.hostname, port: target.port ?? (target.secure ? 443 : 80) });
  return agent.freeSockets[name]?.length ?? 0;
}
