// The static threshold source (a router's configured `threshold`, the default when no calibration or
// controller is wired in) and the error a source raises when a target cannot be served.

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { staticThresholdSource, ThresholdUnavailableError } from '../../src/routing/threshold-source.ts';

describe('staticThresholdSource', () => {
  it("reads the router's configured threshold, with no calibration, from the config", () => {
    const config = parseConfig(
      {
        providers: { p: { baseUrl: 'http://127.0.0.1:1/v1' } },
        models: { big: { provider: 'p', id: 'big-1' }, small: { provider: 'p', id: 'small-1' } },
        routers: { default: { strong: 'big', weak: 'small', scorer: 'random', threshold: 0.37 } },
      },
      'test',
    );
    const router = config.routers['default']!;
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
