// The session id of a request: the x-triage-session header, else metadata.session_id, else the
// session part of metadata.user_id in the form Claude Code sends ("..._session_<uuid>"). Visible
// ASCII only, at most 128 characters; anything else is a 400, so a typo never silently splits a
// session. Null when the request names no session.

import type { ChatRequest } from '../protocol/chat.ts';
import { invalidRequest } from './errors.ts';

const SESSION_ID = /^[\x21-\x7e]{1,128}$/;
const USER_ID_SESSION = /_session_([0-9A-Za-z-]{8,64})$/;

export function sessionIdOf(request: ChatRequest, header: string | undefined): string | null {
  const given = header?.trim() || request.metadata?.['session_id'];
  if (given !== undefined && given !== '') {
    if (!SESSION_ID.test(given)) throw invalidRequest('session id (x-triage-session or metadata.session_id): 1-128 visible ASCII characters', 'invalid_session');
    return given;
  }
  const fromUser = request.metadata?.['user_id'];
  const match = fromUser ? USER_ID_SESSION.exec(fromUser) : null;
  return match?.[1] ?? null;
}
