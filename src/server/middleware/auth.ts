// Gateway authentication: when gateway keys are configured, /v1 requests need
// `Authorization: Bearer <key>` (or `x-api-key`) matching one of them (compared in constant time).

import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { GatewayError, errorResponse } from '../errors.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

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
    return next();
  };
}
