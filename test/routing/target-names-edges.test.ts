// Model names at the edges of the target-suffix form: only "triage" and "triage/<router>" take a
// suffix (another prefix of the same length does not), a name without "@" is never read as one,
// and a malformed suffix is refused with a named error whose whole message the client sees.

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { resolveTarget, TARGET_SUFFIX_FORMS, TargetSuffixError, UnknownModelError } from '../../src/routing/targets.ts';

const config = parseConfig(
  {
    providers: { p: { baseUrl: 'http://127.0.0.1:9/v1' } },
    models: { big: { provider: 'p', id: 'big-1' }, small: { provider: 'p', id: 'small-1' } },
    routers: { default: { strong: 'big', weak: 'small', scorer: 'random', threshold: 0.4 } },
  },
  'test',
);

describe('target suffixes only on triage names', () => {
  it.each([
    // "models/" has as many characters as "triage/": it still names no router.
    'models/default@s30',
    'router/default@s30',
    // No "@": "triage/defaultx" is not "triage/default" with a suffix "x".
    'triage/defaultx',
    'triage/default3',
  ])('%s is an unknown model', (name) => {
    expect(() => resolveTarget(config, name)).toThrow(UnknownModelError);
  });
});

describe('a suffix is the whole text after "@"', () => {
  it.each(['triage@xs30', 'triage@s30x', 'triage/default@ q95', 'triage@S30'])('%s is a malformed suffix', (name) => {
    expect(() => resolveTarget(config, name)).toThrow(TargetSuffixError);
  });
});

describe('TargetSuffixError', () => {
  it('is named, and tells the client every valid form and what s, q and b mean', () => {
    let thrown: unknown;
    try {
      resolveTarget(config, 'triage@s101');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TargetSuffixError);
    const error = thrown as TargetSuffixError;
    expect(error.name).toBe('TargetSuffixError');
    expect(error.requested).toBe('triage@s101');
    expect(TARGET_SUFFIX_FORMS).toEqual([
      'triage@s<percent>', 'triage/<router>@s<percent>', 'triage@q<percent>', 'triage/<router>@q<percent>', 'triage@b<usd><d|w|m>', 'triage/<router>@b<usd><d|w|m>',
    ]);
    expect(error.message).toBe(
      'model "triage@s101" has a malformed target suffix; valid forms: triage@s<percent>, triage/<router>@s<percent>, triage@q<percent>, triage/<router>@q<percent>, ' +
        'triage@b<usd><d|w|m>, triage/<router>@b<usd><d|w|m> ' +
        "(s = percent of requests sent to the strong model, 0-100; q = percent of the strong model's quality kept, 1-100; " +
        'b = a budget in whole USD, 1-999999, per day (d), week (w) or month (m), e.g. b500m)',
    );
  });
});
