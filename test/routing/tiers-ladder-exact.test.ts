// Tiers, ladders and exploration at their edges: every tier has its own purpose text (shown in
// /v1/models), a one-model tier entry, the default router's ladder kept by a tier with no entry,
// `free` offered only when every model costs nothing on both input and output, rung lookup by
// alias and for a score that reaches no cut, and the exploration band's edge.

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { explore, isExplorable } from '../../src/routing/explore.ts';
import { ladderRungs, rungForScore, rungOf } from '../../src/routing/ladder.ts';
import { TIER_NAMES, TIER_PRESETS, tierRouter } from '../../src/routing/tiers.ts';

const models = {
  big: { provider: 'p', id: 'big-1', pricePerMTok: { input: 3, output: 15 } },
  mid: { provider: 'p', id: 'mid-1', pricePerMTok: { input: 1, output: 4 } },
  small: { provider: 'p', id: 'small-1', pricePerMTok: { input: 0.5, output: 1 } },
  gratis: { provider: 'p', id: 'g-1', pricePerMTok: { input: 0, output: 0 } },
  gratisMini: { provider: 'p', id: 'gm-1' },
  freeIn: { provider: 'p', id: 'fi-1', pricePerMTok: { input: 0, output: 1 } },
  freeOut: { provider: 'p', id: 'fo-1', pricePerMTok: { input: 1, output: 0 } },
};
const configWith = (router: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  parseConfig({ providers: { p: { baseUrl: 'http://127.0.0.1:1/v1' } }, models, routers: { default: { scorer: 'random', ...router } }, ...extra }, 'test');

describe('tier presets', () => {
  it('give every tier its own purpose text', () => {
    const purposes = TIER_NAMES.map((name) => TIER_PRESETS[name].purpose);
    for (const purpose of purposes) expect(purpose.length).toBeGreaterThan(20);
    expect(new Set(purposes).size).toBe(TIER_NAMES.length);
  });
});

describe('tierRouter', () => {
  it('serves a one-model tier entry from that model on both rungs', () => {
    const config = configWith({ strong: 'big', weak: 'small' }, { tiers: { economy: { model: 'mid' } } });
    expect(tierRouter(config, 'economy')).toMatchObject({ strong: 'mid', weak: 'mid', threshold: 0.8 });
    expect(tierRouter(configWith({ strong: 'big', weak: 'small' }, { tiers: { economy: { model: 'mid', threshold: 0.6 } } }), 'economy')).toMatchObject({ threshold: 0.6 });
  });

  it('keeps the default router\'s ladder for a tier the config does not list, at the preset\'s cut', () => {
    const config = configWith({ ladder: [{ model: 'big', minScore: 0.7 }, { model: 'mid', minScore: 0.4 }, { model: 'small' }] });
    const router = tierRouter(config, 'frontier');
    expect(router).toMatchObject({ ladder: [{ model: 'big', minScore: 0.7 }, { model: 'mid', minScore: 0.4 }, { model: 'small' }], strong: 'big', weak: 'small', threshold: 0.2 });
    // The lower cut keeps its distance (0.3) below the preset's top cut, clamped at 0.
    expect(ladderRungs(router!, router!.threshold).map((rung) => rung.cut)).toEqual([0.2, 0, Number.NEGATIVE_INFINITY]);
  });

  it.each([
    ['gratis', 'gratisMini', true],
    ['gratis', 'freeIn', false],
    ['gratis', 'freeOut', false],
    ['freeIn', 'gratis', false],
    ['big', 'gratis', false],
  ])('offers free over %s and %s: %s', (strong, weak, offered) => {
    const router = tierRouter(configWith({ strong, weak }), 'free');
    if (offered) expect(router).toMatchObject({ strong, weak, threshold: 0.5 });
    else expect(router).toBeUndefined();
  });
});

describe('ladder lookups', () => {
  const config = configWith({ ladder: [{ model: 'big', minScore: 0.7 }, { model: 'mid', minScore: 0.4 }, { model: 'small' }] });
  const router = config.routers['default']!;

  it('finds the rung of a model on the ladder, and null off it', () => {
    expect(rungOf(router, 'big')).toBe(0);
    expect(rungOf(router, 'mid')).toBe(1);
    expect(rungOf(router, 'small')).toBe(2);
    expect(rungOf(router, 'gratis')).toBeNull();
  });

  it('puts a score that reaches no cut on the bottom rung', () => {
    const rungs = ladderRungs(router, 0.7);
    expect(rungForScore(rungs, Number.NaN)).toBe(2);
    expect(rungForScore([{ model: 'a', cut: 0.5 }, { model: 'b', cut: 0.2 }], 0.1)).toBe(1);
    expect(rungForScore(rungs, 0.4)).toBe(1);
  });
});

describe('exploration band edge', () => {
  it('explores a score exactly band away from the threshold, not beyond', () => {
    expect(isExplorable(0.75, 0.5, 0.25)).toBe(true);
    expect(isExplorable(0.25, 0.5, 0.25)).toBe(true);
    expect(isExplorable(0.7500001, 0.5, 0.25)).toBe(false);
    expect(explore('strong', 0.75, 0.5, { rate: 0.5, band: 0.25 }, 0.25)).toEqual({ tier: 'weak', explored: true, propensity: 0.5 });
  });
});
