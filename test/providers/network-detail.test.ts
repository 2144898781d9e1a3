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
  const withCode = (code: unknown): Error => Object.assign(new Error('socket hang up at 10.1.2.3:8080'), { code });

  it('keeps an unknown code with the message, addresses removed, and ignores a code that is not text', () => {
    expect(networkErrorDetail(withCode('EWHATEVER'))).toBe('EWHATEVER: socket hang up at <address>');
    expect(networkErrorDetail(withCode(42))).toBe('socket hang up at <address>');
  });
});
