// Reads what an Anthropic Messages client sent: the JSON body against the Messages (or count_tokens)
// schema, and the anthropic-version / anthropic-beta headers. Bad input is a 400 GatewayError (the
// route's error middleware writes it in Anthropic's shape).

import type { z } from 'zod';
import { CountTokensRequestSchema, MessagesRequestSchema, type CountTokensRequest, type MessagesRequest } from '../../protocol/anthropic/messages.ts';
import { invalidRequest } from '../errors.ts';

function parseBody<S extends z.ZodType>(text: string, schema: S): z.infer<S> {
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
  throw invalidRequest(message, param?.startsWith('messages') ? 'invalid_messages' : 'invalid_value', param);
}

export function parseMessagesRequest(text: string): MessagesRequest {
  return parseBody(text, MessagesRequestSchema);
}

export function parseCountTokensRequest(text: string): CountTokensRequest {
  return parseBody(text, CountTokensRequestSchema);
}

const VERSION = /^\d{4}-\d{2}-\d{2}$/;

/** Checks anthropic-version when sent (any dated version is accepted; the upstream call uses its own). */
export function checkVersion(header: string | undefined): void {
  if (header !== undefined && !VERSION.test(header.trim())) {
    throw invalidRequest(`anthropic-version "${header.slice(0, 40)}" is not a version date like 2023-06-01`, 'invalid_version', 'anthropic-version');
  }
}
