// Gateway authentication: when gateway keys are configured, /v1 requests need
// `Authorization: Bearer <key>` (or `x-api-key`) matching one of them (compared in constant time).
// The matched key's id (a short sha256 prefix, never the key) is remembered for the request, so its
// log row names the key and feedback can be limited to the key's own decisions.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { GatewayError, errorResponse } from '../errors.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The id under which a gateway key appears in the log: "key_" and 12 hex digits of its sha256. */
export function keyId(key: string): string {
  return `key_${digest(key.trim()).toString('hex').slice(0, 12)}`;
}

const requestKeyIds = new WeakMap<Request, string>();

/** The id of the gateway key this request was authenticated with, or null when auth is off. */
export function requestKeyId(c: Context): string | null {
  return requestKeyIds.get(c.req.raw) ?? null;
}

export function gatewayAuth(keys: readonly string[]): MiddlewareHandler {
  const digests = keys.map(digest);
  return async (c, next) => {
    if (digests.length === 0) return next();
    const header = c.req.header('authorization');
    const presented = (header ? /^Bearer\s+(.+)$/i.exec(header)?.[1] : undefined) ?? c.req.header('x-api-key');
    if (!presented) {
      return errorResponse(
        new GatewayError(401, 'missing API key: send Authorization: Bearer <gateway key>', 'invalid_request_error', 'missing_api_key'),
      );
    }
    const candidate = digest(presented.trim());
    if (!digests.some((known) => timingSafeEqual(known, candidate))) {
      return errorResponse(new GatewayError(401, 'incorrect API key provided', 'invalid_request_error', 'invalid_api_key'));
    }
    requestKeyIds.set(c.req.raw, `key_${candidate.toString('hex').slice(0, 12)}`);
    return next();
  };
}
