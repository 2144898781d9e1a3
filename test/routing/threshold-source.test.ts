// The static threshold source (a router's configured `threshold`, the default when no calibration or
// controller is wired in) and the error a source raises when a target cannot be served.

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { staticThresholdSource, ThresholdUnavailableError } from '../../src/routing/threshold-source.ts';
import { testConfig } from '../support/gateway.ts';

describe('staticThresholdSource', () => {
  it("reads the router's configured threshold, with no calibration, from the config", () => {
    // The shared test config's default router, with a threshold that is not the schema's default.
    const router = { ...parseConfig(testConfig('http://127.0.0.1:1/v1'), 'test').routers['default']!, threshold: 0.37 };
    expect(staticThresholdSource.current('default', router)).toEqual({ threshold: 0.37, calibrationId: null, source: 'config' });
  });
});

describe('ThresholdUnavailableError', () => {
  it('is an Error named for what it means, with the message it was given', () => {
    const error = new ThresholdUnavailableError('no quality calibration for @q95');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ThresholdUnavailableError');
    expect(error.message).toBe('no quality calibration for @q95');
    expect(String(error)).toBe('ThresholdUnavailableError: no quality calibration for @q95');
  });
});
