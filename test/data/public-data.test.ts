// The public-data global setup: with an unreachable mirror the data tests skip with one line that
// says why, and under CI=true that is an error instead (so CI cannot pass without them).

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { suiteTempDir } from '../support/temp-dir.ts';
import { locatePublicData, skipNotice } from '../support/public-data.setup.ts';

describe('public data for the tests', () => {
  const temp = suiteTempDir('triage-public-data-');

  it('is unavailable from a mirror that does not exist, with the reason', async () => {
    const data = await locatePublicData({ TRIAGE_DATA_MIRROR: '/nonexistent-triage-mirror' }, join(temp.path, 'raw'));
    expect(data.raw).toBeNull();
    expect(data.reason).toMatch(/^public data unavailable from the mirror \/nonexistent-triage-mirror: .*not in mirror/);
    const notice = skipNotice(data, {});
    expect(notice.trim().split('\n')).toHaveLength(1);
    expect(notice).toMatch(/^Skipping the public-data tests: /);
    expect(() => skipNotice(data, { CI: 'true' })).toThrow(/CI=true, but the public-data tests would be skipped/);
  });

  it('prints nothing when the data is there', () => {
    expect(skipNotice({ raw: '/some/dir', mirrorManifest: null, reason: '' }, { CI: 'true' })).toBe('');
  });
});
