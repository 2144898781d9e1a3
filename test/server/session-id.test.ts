// Where a request's session id comes from: the x-triage-session header, metadata.session_id, or
// the session part of Claude Code's metadata.user_id; and the 400 for a malformed one.

import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../src/protocol/chat.ts';
import { GatewayError } from '../../src/server/errors.ts';
import { sessionIdOf } from '../../src/server/session-id.ts';

const request = (metadata?: Record<string, string>): ChatRequest => ({ model: 'triage', messages: [{ role: 'user', content: 'x' }], ...(metadata ? { metadata } : {}) });

describe('sessionIdOf', () => {
  it.each([
    ['the header', request({ session_id: 'meta' }), ' hdr-1 ', 'hdr-1'],
    ['metadata.session_id', request({ session_id: 'meta-1' }), undefined, 'meta-1'],
    ['an empty header falls through', request({ session_id: 'meta-1' }), '', 'meta-1'],
    ["Claude Code's user_id", request({ user_id: 'user_ab12_account__session_0b6e6a52-5d4c-4a41-9c1e-3f0c2b7d9e11' }), undefined, '0b6e6a52-5d4c-4a41-9c1e-3f0c2b7d9e11'],
    ['a user_id without a session part', request({ user_id: 'alice' }), undefined, null],
    ['nothing', request(), undefined, null],
  ])('%s', (_name, req, header, expected) => {
    expect(sessionIdOf(req, header)).toBe(expected);
  });

  it.each([['x'.repeat(129)], ['has space'], ['ünïcode']])('rejects %j with invalid_session', (id) => {
    let thrown: unknown;
    try {
      sessionIdOf(request(), id);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GatewayError);
    expect(thrown).toMatchObject({ status: 400, code: 'invalid_session' });
  });
});
