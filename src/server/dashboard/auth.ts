// Who may open the dashboard, and the CSRF guard on its actions. When the gateway has keys, the
// dashboard and its API need the admin key (or an admin key from the key store, or the key in
// dashboard.keyEnv), sent as a bearer token, x-api-key, or HTTP Basic auth (any user name, the key
// as password) so a browser can log in with its own prompt. Pages answer 401 with a Basic
// challenge. POSTs must be same-origin: a custom header (which a cross-site form cannot send and a
// cross-site script cannot send without a CORS preflight this gateway never grants), a JSON body,
// and an Origin, when sent, equal to the gateway's own.

import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { readSecret } from '../../config/env.ts';
import { hashSecret } from '../../store/keys.ts';
import type { GatewayContext } from '../context.ts';
import { GatewayError, errorResponse } from '../errors.ts';
import { keyId, presentedKey } from '../middleware/auth.ts';

export const CSRF_HEADER = 'x-triage-dashboard';
const REALM = 'Basic realm="Triage dashboard", charset="UTF-8"';

const actors = new WeakMap<Request, string | null>();

/** The key id that opened this request (null when auth is off). */
export function dashboardActor(c: Context): string | null {
  return actors.get(c.req.raw) ?? null;
}

function basicPassword(c: Context): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(c.req.header('authorization') ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1).trim() || undefined;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(hashSecret(a), 'hex');
  const y = Buffer.from(hashSecret(b), 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function dashboardAuth(ctx: GatewayContext, kind: 'page' | 'api'): MiddlewareHandler {
  const challenge: Record<string, string> = kind === 'page' ? { 'www-authenticate': REALM } : {};
  return async (c, next) => {
    await ctx.keys.refresh();
    const dashboardKey = readSecret(ctx.env, ctx.config.dashboard.keyEnv);
    if (!ctx.keys.enabled && dashboardKey === undefined) {
      actors.set(c.req.raw, null);
      return next();
    }
    const presented = basicPassword(c) ?? (/^Basic\s/i.test(c.req.header('authorization') ?? '') ? undefined : presentedKey(c));
    if (!presented) {
      return errorResponse(new GatewayError(401, 'the dashboard needs the admin key (HTTP Basic password, or Authorization: Bearer)', 'invalid_request_error', 'missing_api_key'), challenge);
    }
    if (dashboardKey !== undefined && sameSecret(presented, dashboardKey)) {
      actors.set(c.req.raw, keyId(presented));
      return next();
    }
    const caller = await ctx.keys.authenticate(presented);
    if (!caller) return errorResponse(new GatewayError(401, 'incorrect or revoked key', 'invalid_request_error', 'invalid_api_key'), challenge);
    if (!caller.admin) return errorResponse(new GatewayError(403, 'the dashboard needs an admin key', 'permission_error', 'admin_required'));
    actors.set(c.req.raw, caller.keyId);
    return next();
  };
}

/** For state-changing dashboard calls: same-origin only. */
export function sameOriginOnly(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.header(CSRF_HEADER) !== '1') {
      return errorResponse(new GatewayError(403, `dashboard actions need the ${CSRF_HEADER}: 1 header (sent by the dashboard page)`, 'permission_error', 'csrf_check_failed'));
    }
    const origin = c.req.header('origin');
    if (origin !== undefined && origin !== new URL(c.req.url).origin) {
      return errorResponse(new GatewayError(403, 'cross-origin dashboard actions are refused', 'permission_error', 'csrf_check_failed'));
    }
    if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
      return errorResponse(new GatewayError(415, 'dashboard actions take a JSON body (content-type: application/json)', 'invalid_request_error', 'unsupported_media_type'));
    }
    return next();
  };
}
