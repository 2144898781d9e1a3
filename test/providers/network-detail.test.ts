// Where the detail of a network error comes from: the cause's message is kept (addresses removed)
// even when the cause is itself a TypeError; only fetch's own cause-less TypeError, which can quote
// the URL, loses its text. IPv6 addresses are removed whole, never leaving their last group.

import { describe, expect, it } from 'vitest';
import { networkErrorDetail, withoutAddresses } from '../../src/providers/shared/failures.ts';

describe('networkErrorDetail and TypeErrors', () => {
  it('keeps the message of a cause that is a TypeError, without addresses', () => {
    const cause = new TypeError('invalid header value from 10.0.0.9:443');
    expect(networkErrorDetail(new TypeError('fetch failed', { cause }))).toBe('invalid header value from <address>');
  });

  it('drops the text of a top-level TypeError with no cause', () => {
    expect(networkErrorDetail(new TypeError('Failed to parse URL from http://user:pw@internal.example/v1'))).toBe('TypeError');
  });
});

describe('withoutAddresses and IPv6', () => {
  it.each([
    ['at fe80::1:abcd now', 'at <address> now'],
    ['at [2001:db8::ff00:42]:443 now', 'at <address> now'],
  ])('removes %j whole, its last group included', (input, expected) => {
    expect(withoutAddresses(input)).toBe(expected);
  });
});

describe('networkErrorDetail and error codes', () => {
  const withCode = (code: unknown, message = 'socket hang up at 10.1.2.3:8080'): Error => Object.assign(new Error(message), { code });

  it.each([
    ['ECONNREFUSED', 'connection refused'],
    ['ECONNRESET', 'connection reset'],
    ['EPIPE', 'connection closed while sending'],
    ['ETIMEDOUT', 'connection timed out'],
    ['ENOTFOUND', 'host not found'],
    ['EAI_AGAIN', 'name lookup failed'],
    ['EHOSTUNREACH', 'host unreachable'],
    ['ENETUNREACH', 'network unreachable'],
    ['UND_ERR_SOCKET', 'socket closed by the other side'],
    ['UND_ERR_CONNECT_TIMEOUT', 'connect timed out'],
    ['UND_ERR_HEADERS_TIMEOUT', 'headers timed out'],
    ['UND_ERR_BODY_TIMEOUT', 'body timed out'],
    ['ERR_INVALID_CHAR', 'invalid character in a request header'],
    ['ERR_INVALID_HTTP_TOKEN', 'invalid request header name'],
    ['HPE_INVALID_CONSTANT', 'the answer is not HTTP'],
    ['ERR_STREAM_PREMATURE_CLOSE', 'the answer broke off'],
  ])('says %s in plain words, whatever the message quotes', (code, words) => {
    expect(networkErrorDetail(new TypeError('fetch failed', { cause: withCode(code) }))).toBe(`${code}: ${words}`);
  });

  it('keeps an unknown code with the message, addresses removed, and ignores a code that is not text', () => {
    expect(networkErrorDetail(withCode('EWHATEVER'))).toBe('EWHATEVER: socket hang up at <address>');
    expect(networkErrorDetail(withCode(42))).toBe('socket hang up at <address>');
  });
});
