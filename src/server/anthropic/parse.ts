// Reads what an Anthropic Messages client sent: the JSON body against the Messages (or count_tokens)
// schema, and the anthropic-version / anthropic-beta headers. Bad input is a 400 GatewayError (the
// route's error middleware writes it in Anthropic's shape).

import { CountTokensRequestSchema, MessagesRequestSchema, type CountTokensRequest, type MessagesRequest } from '../../protocol/anthropic/messages.ts';
import { invalidRequest } from '../errors.ts';
import { parseJsonBody } from '../json-body.ts';

/** Anthropic clients see invalid_messages for a bad message, invalid_value for any other field. */
const codeFor = (param: string | null): string => (param?.startsWith('messages') ? 'invalid_messages' : 'invalid_value');

export function parseMessagesRequest(text: string): MessagesRequest {
  return parseJsonBody(text, MessagesRequestSchema, codeFor);
}

export function parseCountTokensRequest(text: string): CountTokensRequest {
  return parseJsonBody(text, CountTokensRequestSchema, codeFor);
}

const VERSION = /^\d{4}-\d{2}-\d{2}$/;

/** Checks anthropic-version when sent (any dated version is accepted; the upstream call uses its own). */
export function checkVersion(header: string | undefined): void {
  if (header !== undefined && !VERSION.test(header.trim())) {
    throw invalidRequest(`anthropic-version "${header.slice(0, 40)}" is not a version date like 2023-06-01`, 'invalid_version', 'anthropic-version');
  }
}
