// readWindow with the router's model-name targets (withTargetNames) on a real SQLite log: rows of
// "default" and of "default@..." names within the duration are read, rows of other routers (also
// a name that only ends in "default@", and pass-through rows with no router) and rows older than the window are not; a row-count window
// reads every age.

import { describe, expect, it } from 'vitest';
import { parseWindow, readWindow } from '../../src/learning/window.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { makeDecision } from '../store/fixtures/decision.ts';

const DAY = 86_400_000;

describe('readWindow with target names', () => {
  it('reads the router and its suffixed names within the window only', async () => {
    const store = openSqliteStore(':memory:');
    const now = 100 * DAY;
    const rows = [
      { id: 'plain', router: 'default', createdAt: now - 1000 },
      { id: 'share', router: 'default@s30', createdAt: now - 2000 },
      { id: 'budget', router: 'default@b500m', createdAt: now - 3000 },
      { id: 'other', router: 'deep', createdAt: now - 4000 },
      { id: 'lookalike', router: 'x-default@', createdAt: now - 5000 },
      { id: 'old', router: 'default@s30', createdAt: now - 2 * DAY },
      { id: 'old-plain', router: 'default', createdAt: now - 3 * DAY },
      // A pass-through request names no router.
      { id: 'passthrough', router: null, createdAt: now - 6000 },
    ];
    for (const row of rows) store.log(makeDecision({ ...row, kind: 'chat', tier: 'weak', reason: 'score<threshold', score: 0.2, status: 200 }));
    await store.flush();
    const day = await readWindow(store, 'default', parseWindow('1d'), now, { withTargetNames: true });
    expect(day.rows.map((r) => r.id)).toEqual(['plain', 'share', 'budget']);
    expect(day.since).toBe(now - DAY);
    const plainOnly = await readWindow(store, 'default', parseWindow('1d'), now);
    expect(plainOnly.rows.map((r) => r.id)).toEqual(['plain']);
    const counted = await readWindow(store, 'default', parseWindow('10'), now, { withTargetNames: true });
    expect(counted.rows.map((r) => r.id)).toEqual(['plain', 'share', 'budget', 'old', 'old-plain']);
    await store.close();
  });
});
