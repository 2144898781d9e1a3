// Exploration: the pure flip rule and its propensities, decide() with the draw as an input (so it
// stays pure), and the gateway logging propensity and explored on each row with a seeded draw.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { RouterConfig } from '../../src/config/types.ts';
import { seededRandom } from '../../src/eval/prng.ts';
import { decide } from '../../src/routing/decide.ts';
import { explore } from '../../src/routing/explore.ts';
import { createScorerPool } from '../../src/scoring/pool.ts';
import type { Scorer } from '../../src/scoring/scorer.ts';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { startTestGateway, testConfig, type TestGateway } from '../support/gateway.ts';

const config = { rate: 0.2, band: 0.1 };

describe('explore()', () => {
  it('flips an eligible decision when the draw falls under the rate, with the served tier’s propensity', () => {
    expect(explore('strong', 0.55, 0.5, config, 0.1)).toEqual({ tier: 'weak', explored: true, propensity: 0.2 });
    expect(explore('weak', 0.45, 0.5, config, 0.1)).toEqual({ tier: 'strong', explored: true, propensity: 0.2 });
    expect(explore('strong', 0.55, 0.5, config, 0.2)).toEqual({ tier: 'strong', explored: false, propensity: 0.8 });
    expect(explore('weak', 0.4, 0.5, config, 0.99)).toEqual({ tier: 'weak', explored: false, propensity: 0.8 });
  });

  it('never flips outside the band (propensity 1), and records nothing without a config or a draw', () => {
    expect(explore('strong', 0.61, 0.5, config, 0)).toEqual({ tier: 'strong', explored: false, propensity: 1 });
    expect(explore('weak', 0.39, 0.5, config, 0)).toEqual({ tier: 'weak', explored: false, propensity: 1 });
    expect(explore('strong', 0.55, 0.5, undefined, 0)).toEqual({ tier: 'strong', explored: false, propensity: null });
    expect(explore('strong', 0.55, 0.5, config, undefined)).toEqual({ tier: 'strong', explored: false, propensity: null });
    expect(explore('strong', 0.55, 0.5, { rate: 0, band: 0.1 }, 0)).toEqual({ tier: 'strong', explored: false, propensity: 1 });
  });
});

describe('decide() with an exploration draw', () => {
  const parsed = parseConfig(
    {
      providers: { p: { baseUrl: 'http://127.0.0.1:1/v1' } },
      models: { big: { provider: 'p', id: 'big-1' }, small: { provider: 'p', id: 'small-1' } },
      routers: { default: { strong: 'big', weak: 'small', scorer: 'random', threshold: 0.5, explore: { rate: 0.3, band: 0.2 } } },
    },
    'test',
  );
  const router: RouterConfig = parsed.routers['default']!;
  const fixed = (score: number): Scorer => ({ name: 'fixed', score: async () => ({ score }), close: async () => {} });
  const run = (score: number, draw: number | undefined, mode: string | null = null) =>
    decide({ request: { model: 'triage', messages: [{ role: 'user', content: 'hi' }] }, routerName: 'default', router, scorers: createScorerPool(async () => fixed(score)), explorationDraw: draw, mode });

  it('flips and says so in the reason; the same inputs give the same decision', async () => {
    const flipped = await run(0.6, 0.1);
    expect(flipped).toMatchObject({ tier: 'weak', modelAlias: 'small', attempts: ['small'], explored: true, propensity: 0.3, reason: 'explore:score>=threshold, flipped to weak' });
    expect(await run(0.6, 0.1)).toMatchObject({ tier: flipped.tier, propensity: flipped.propensity, reason: flipped.reason });
    expect(await run(0.6, 0.5)).toMatchObject({ tier: 'strong', explored: false, propensity: 0.7, reason: 'score>=threshold' });
  });

  it('gives tiers forced by a mode propensity 1, and dry runs (no draw) none', async () => {
    expect(await run(0.6, 0.1, 'debug')).toMatchObject({ tier: 'strong', explored: false, propensity: 1, reason: 'mode:debug' });
    expect(await run(0.6, undefined)).toMatchObject({ tier: 'strong', explored: false, propensity: null });
  });
});

describe('exploration through the gateway', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  beforeAll(async () => {
    upstream = await startFakeUpstream();
    const raw = testConfig(upstream.url);
    // The random scorer spreads scores over [0, 1): a band of 0.25 around 0.5 holds about half of them.
    (raw['routers'] as Record<string, unknown>)['exploring'] = { strong: 'strong', weak: 'weak', scorer: 'random', seed: 3, threshold: 0.5, explore: { rate: 0.25, band: 0.25 } };
    gateway = await startTestGateway({ raw, random: seededRandom(42) });
  });
  afterAll(async () => {
    await gateway.dispose();
    await upstream.close();
  });

  it('logs the propensity of the served tier and whether it was explored, on every row', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'triage/exploring', messages: [{ role: 'user', content: `Question number ${i}?` }] }),
      });
      expect(response.status).toBe(200);
      ids.push(response.headers.get('x-triage-decision-id') ?? '');
      await response.text();
    }
    const rows = await Promise.all(ids.map((id) => gateway.store.get(id)));
    let explored = 0;
    let eligible = 0;
    for (const row of rows) {
      const inBand = Math.abs((row?.score ?? 0) - 0.5) <= 0.25;
      const byThreshold = (row?.score ?? 0) >= 0.5 ? 'strong' : 'weak';
      if (!inBand) {
        expect(row).toMatchObject({ propensity: 1, explored: false, tier: byThreshold });
        continue;
      }
      eligible++;
      if (row?.explored) {
        explored++;
        expect(row).toMatchObject({ propensity: 0.25 });
        expect(row.tier).not.toBe(byThreshold);
        expect(row.modelAlias).toBe(row.tier);
      } else {
        expect(row).toMatchObject({ propensity: 0.75, explored: false, tier: byThreshold });
      }
    }
    expect(eligible).toBeGreaterThan(30);
    expect(explored).toBeGreaterThan(0);
    expect(explored).toBeLessThan(eligible);
    // A dry run is never explored and carries no propensity.
    const dry = await fetch(`${gateway.url}/v1/route`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'triage/exploring', messages: [{ role: 'user', content: 'dry' }] }) });
    const dryRow = await gateway.store.get(dry.headers.get('x-triage-decision-id') ?? '');
    expect(dryRow?.kind).toBe('route');
    expect(dryRow?.propensity).toBeUndefined();
  });
});
