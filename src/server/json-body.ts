// A client's JSON body against a zod schema, for the routes that take one: not JSON, not an object,
// or a value the schema refuses is a 400 GatewayError naming the first bad field (`param`). Each
// route says which error code a bad field gets (codeFor), so its clients see their own codes.

import type { z } from 'zod';
import { invalidRequest } from './errors.ts';

export function parseJsonBody<S extends z.ZodType>(text: string, schema: S, codeFor: (param: string | null) => string): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw invalidRequest(`request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, 'invalid_json');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw invalidRequest('request body must be a JSON object', 'invalid_json');
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue ? issue.path.map(String).join('.') : null;
  const message = issue ? `${param ? `${param}: ` : ''}${issue.message}` : 'invalid request';
  throw invalidRequest(message, codeFor(param), param);
}
