// The request body cap of the POST routes. A declared content-length is checked against the limit
// from the header alone, so no web Request is built for it (Hono's bodyLimit reads `c.req.raw.body`,
// which makes @hono/node-server build a full Request and a web stream for every request); the
// handler then reads the body once, directly. A body without content-length (chunked) goes through
// Hono's bodyLimit, which counts its bytes as they arrive.

import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestHeader } from '../request-header.ts';

const DIGITS = /^\d+$/;

export function bodyCap(limit: number, tooLarge: () => Response): MiddlewareHandler {
  const counted = bodyLimit({ maxSize: limit, onError: tooLarge });
  return async (c, next) => {
    const length = requestHeader(c, 'content-length');
    if (length !== undefined && DIGITS.test(length) && requestHeader(c, 'transfer-encoding') === undefined) {
      return Number(length) > limit ? tooLarge() : next();
    }
    return counted(c, next);
  };
}
