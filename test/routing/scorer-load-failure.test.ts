// A scorer that fails to load is remembered as failed for 30 s by default (the pool's documented
// default), so a broken model file costs one load attempt per 30 s, not one per request. Checked
// through decide(), with an injected clock; the failing factory stands in for a corrupt model.

import { expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { decide } from '../../src/routing/decide.ts';
import { createScorerPool } from '../../src/scoring/pool.ts';

const config = parseConfig(
  {
    providers: { p: { baseUrl: 'http://127.0.0.1:1/v1' } },
    models: { big: { provider: 'p', id: 'big-1' }, small: { provider: 'p', id: 'small-1' } },
    routers: { default: { strong: 'big', weak: 'small', scorer: 'learned', model: 'broken', threshold: 0.99 } },
  },
  'test',
);

it('remembers a failed scorer load for 30 s, then tries again', async () => {
  let loads = 0;
  let clock = 1_000_000;
  const scorers = createScorerPool(
    async () => {
      loads++;
      throw new Error('corrupt model');
    },
    { now: () => clock },
  );
  const route = () =>
    decide({ request: { model: 'triage', messages: [{ role: 'user', content: 'hi' }] }, routerName: 'default', router: config.routers['default']!, scorers });

  expect(await route()).toMatchObject({ tier: 'strong', fallbackUsed: true, reason: 'scorer-error: corrupt model' });
  expect(loads).toBe(1);
  for (const later of [1, 1000, 29_999]) {
    clock = 1_000_000 + later;
    expect(await route()).toMatchObject({ tier: 'strong', fallbackUsed: true, reason: 'scorer-error: corrupt model' });
  }
  expect(loads).toBe(1);
  clock = 1_000_000 + 30_000;
  expect(await route()).toMatchObject({ tier: 'strong', fallbackUsed: true });
  expect(loads).toBe(2);
  // The second failure starts a new 30 s window.
  clock = 1_000_000 + 59_999;
  await route();
  expect(loads).toBe(2);
  clock = 1_000_000 + 60_000;
  await route();
  expect(loads).toBe(3);
});
