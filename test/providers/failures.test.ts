// The failure-message helpers every adapter uses: network errors in plain words and never with an
// address, URLs and host:port pairs removed from other error texts, the key scrubbed from headers.

import { describe, expect, it } from 'vitest';
import { failureMessage, networkErrorDetail, redact, redactHeaders, withoutAddresses } from '../../src/providers/shared/failures.ts';

const withCause = (code: string, message: string): Error => {
  const cause = Object.assign(new Error(message), { code });
  return new TypeError('fetch failed', { cause });
};

describe('networkErrorDetail', () => {
  const known: Array<[string, string]> = [
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
  ];
  for (const [code, words] of known) {
    it(`${code} in plain words, without the address`, () => {
      expect(networkErrorDetail(withCause(code, `connect ${code} 10.1.2.3:443`))).toBe(`${code}: ${words}`);
    });
  }

  it('keeps an unknown code with its message, addresses removed', () => {
    expect(networkErrorDetail(withCause('EWEIRD', 'weird at 192.168.1.5:8080 via http://internal.example:9/v1'))).toBe('EWEIRD: weird at <address> via <url>');
  });

  it('drops the text of a cause-less TypeError (it may quote the URL) and names non-errors', () => {
    expect(networkErrorDetail(new TypeError('Failed to parse URL from http://secret.host/v1'))).toBe('TypeError');
    expect(networkErrorDetail('a string')).toBe('unknown error');
    expect(networkErrorDetail(new RangeError('bad [::1]:8787 thing'))).toBe('bad <address> thing');
  });

  it('bounds the detail', () => {
    expect(networkErrorDetail(new Error('x'.repeat(1000)))).toHaveLength(300);
  });
});

describe('withoutAddresses', () => {
  const cases: Array<[string, string]> = [
    ['connect to 127.0.0.1:9 failed', 'connect to <address> failed'],
    ['host 10.0.0.7 down', 'host <address> down'],
    ['at [::1]:8787', 'at <address>'],
    ['at fe80::1:2:3', 'at <address>'],
    ['see https://api.example.com/v1?key=1 now', 'see <url> now'],
    ['api.example.com:443 refused', '<address> refused'],
    ['nothing to hide', 'nothing to hide'],
  ];
  for (const [input, expected] of cases) it(JSON.stringify(input), () => expect(withoutAddresses(input)).toBe(expected));
});

describe('redactHeaders and redact', () => {
  it('scrubs the key from every header value, and passes them as they are without a key', () => {
    const headers = { 'x-request-id': 'req sk-abc', 'retry-after': '3' };
    expect(redactHeaders(headers, 'sk-abc')).toStrictEqual({ 'x-request-id': 'req [redacted]', 'retry-after': '3' });
    expect(redactHeaders(headers, undefined)).toBe(headers);
    expect(redact('sk-abc and sk-abc', 'sk-abc')).toBe('[redacted] and [redacted]');
  });

  it('words each failure code', () => {
    expect(failureMessage('p', 'circuit_open', 'request', 100, 'breaker open')).toBe('p: upstream request not sent: breaker open');
    expect(failureMessage('p', 'timeout', 'stream', 100, '')).toBe('p: upstream stream idle for more than 100 ms');
  });
});
