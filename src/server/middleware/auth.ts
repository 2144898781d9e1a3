// Gateway authentication: when any gateway key exists (TRIAGE_API_KEYS or `triage keys create`),
// /v1 requests need `Authorization: Bearer <key>` (or `x-api-key`) matching a live one. Keys are
// compared by their sha256, so the secret itself is never held past this check. The matched
// caller (key id, and the stored key's limits) is remembered for the request: its log row names
// the key, feedback is limited to the key's own decisions, and limits are enforced.

import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { GatewayError, errorResponse } from '../errors.ts';
import { KeyStoreUnavailableError, type Caller, type GatewayKeys } from '../gateway-keys.ts';
import { requestHeader } from '../request-header.ts';

/** The id under which a gateway key appears in the log: "key_" and 12 hex digits of its sha256. */
export function keyId(key: string): string {
  return `key_${createHash('sha256').update(key.trim()).digest('hex').slice(0, 12)}`;
}

const callers = new WeakMap<Request, Caller>();

/** The caller for a presented key; an unreachable key store (and the key not cached) answers 503 in OpenAI's shape. */
async function callerOf(keys: GatewayKeys, presented: string): Promise<Caller | null | Response> {
  try {
    return await keys.authenticate(presented);
  } catch (error) {
    if (!(error instanceof KeyStoreUnavailableError)) throw error;
    return errorResponse(new GatewayError(503, error.message, 'server_error', 'key_store_unavailable'), { 'retry-after': '1' });
  }
}

/** The caller this request was authenticated as, or null when auth is off. */
export function requestCaller(c: Context): Caller | null {
  return callers.get(c.req.raw) ?? null;
}

/** The id of the gateway key this request was authenticated with, or null when auth is off. */
export function requestKeyId(c: Context): string | null {
  return requestCaller(c)?.keyId ?? null;
}

export function presentedKey(c: Context): string | undefined {
  const header = requestHeader(c, 'authorization');
  return ((header ? /^Bearer\s+(.+)$/i.exec(header)?.[1] : undefined) ?? requestHeader(c, 'x-api-key'))?.trim();
}

export function gatewayAuth(keys: GatewayKeys): MiddlewareHandler {
  return async (c, next) => {
    await keys.refresh();
    if (!keys.enabled) return next();
    const presented = presentedKey(c);
    if (!presented) {
      return errorResponse(
        new GatewayError(401, 'missing API key: send Authorization: Bearer <gateway key>', 'invalid_request_error', 'missing_api_key'),
      );
    }
    const caller = await callerOf(keys, presented);
    if (caller instanceof Response) return caller;
    if (!caller) return errorResponse(new GatewayError(401, 'incorrect or revoked API key provided', 'invalid_request_error', 'invalid_api_key'));
    callers.set(c.req.raw, caller);
    return next();
  };
}

/** For admin endpoints: an admin key from the key store is required whenever auth is on. */
export function requireAdmin(keys: GatewayKeys): MiddlewareHandler {
  return async (c, next) => {
    await keys.refresh();
    if (!keys.enabled) return next();
    const presented = presentedKey(c);
    const caller = presented ? await callerOf(keys, presented) : null;
    if (caller instanceof Response) return caller;
    if (!caller) return errorResponse(new GatewayError(401, 'an admin key is required', 'invalid_request_error', 'invalid_api_key'));
    if (!caller.admin) return errorResponse(new GatewayError(403, 'this key is not an admin key', 'permission_error', 'admin_required'));
    callers.set(c.req.raw, caller);
    return next();
  };
}
