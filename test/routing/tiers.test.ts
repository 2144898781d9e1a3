// Named tiers: the preset table written out by hand (not read from the code under test), model
// names that select a tier, the config's `tiers` block (and its checks), and a router that shares
// a tier's name winning over it.

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { Mode, ModeRoute } from '../../src/config/types.ts';
import type { ChatRequest } from '../../src/protocol/chat.ts';
import { decide } from '../../src/routing/decide.ts';
import { resolveTarget, UnknownModelError } from '../../src/routing/targets.ts';
import { TIER_NAMES, TIER_PRESETS } from '../../src/routing/tiers.ts';
import { createScorerPool } from '../../src/scoring/pool.ts';

const S = 'strong', W = 'weak', X = 'score';
// [tier, threshold, plan, architect, debug, review, code, ask, chat, summarize, extract, classify]
const DOCUMENTED: Array<[string, number, ...ModeRoute[]]> = [
  ['frontier', 0.2, S, S, S, S, S, X, X, X, X, X],
  ['balanced', 0.5, S, S, S, S, X, X, X, W, W, W],
  ['economy', 0.8, X, X, X, X, X, X, X, W, W, W],
  ['free', 0.5, S, S, S, S, X, X, X, W, W, W],
  ['internal', 1, W, W, W, W, W, W, W, W, W, W],
];
const MODE_ORDER: Mode[] = ['plan', 'architect', 'debug', 'review', 'code', 'ask', 'chat', 'summarize', 'extract', 'classify'];

const raw = (extra: Record<string, unknown> = {}, routers: Record<string, unknown> = {}) => ({
  providers: { p: { baseUrl: 'http://127.0.0.1:1/v1' } },
  models: {
    big: { provider: 'p', id: 'big-1', pricePerMTok: { input: 3, output: 15 } },
    small: { provider: 'p', id: 'small-1', pricePerMTok: { input: 0.2, output: 0.8 } },
    gratis: { provider: 'p', id: 'gratis-1' },
    gratisMini: { provider: 'p', id: 'gratis-mini' },
  },
  routers: { default: { strong: 'big', weak: 'small', scorer: 'random', seed: 3, retryOnOtherModel: true, fallbacks: ['small'] }, ...routers },
  ...extra,
});

describe('the tier table', () => {
  it('names exactly the documented tiers', () => {
    expect([...TIER_NAMES]).toEqual(DOCUMENTED.map(([name]) => name));
  });

  it.each(DOCUMENTED)('%s', (name, threshold, ...routes) => {
    const preset = TIER_PRESETS[name as (typeof TIER_NAMES)[number]];
    expect(preset.threshold).toBe(threshold);
    expect(preset.modes).toEqual(Object.fromEntries(MODE_ORDER.map((mode, i) => [mode, routes[i]])));
  });
});

describe('selecting a tier by model name', () => {
  const config = parseConfig(raw({ tiers: { free: { strong: 'gratis', weak: 'gratisMini' }, economy: { ladder: [{ model: 'big', minScore: 0.9 }, { model: 'small' }] } } }), 'test');

  it('uses the default router\'s models for a tier the config does not list, with the preset\'s table', () => {
    const target = resolveTarget(config, 'triage/balanced');
    expect(target).toMatchObject({ kind: 'router', name: 'tier:balanced', label: 'tier:balanced', router: { strong: 'big', weak: 'small', threshold: 0.5, scorer: 'random', seed: 3 } });
    // The default router's own fallbacks list names its models, not the tier's: tiers fall back along their ladder.
    expect(target.kind === 'router' && target.router.fallbacks).toBeUndefined();
  });

  it('uses the configured models of a tier', () => {
    expect(resolveTarget(config, 'triage/free')).toMatchObject({ router: { strong: 'gratis', weak: 'gratisMini', threshold: 0.5 } });
    expect(resolveTarget(config, 'triage/economy')).toMatchObject({ router: { strong: 'big', weak: 'small', threshold: 0.9 } });
  });

  it('serves internal from one model, the bottom rung, whatever the score', async () => {
    const target = resolveTarget(config, 'triage/internal');
    if (target.kind !== 'router') throw new Error('not a router');
    expect(target.router).toMatchObject({ strong: 'small', weak: 'small' });
    const request: ChatRequest = { model: 'triage/internal', messages: [{ role: 'user', content: 'title please' }] };
    for (const score of [0, 0.99]) {
      const scorers = createScorerPool(async () => ({ name: 'fixed', score: async () => ({ score }), close: async () => {} }));
      expect(await decide({ request, routerName: target.name, router: target.router, scorers, mode: null })).toMatchObject({ modelAlias: 'small' });
      expect(await decide({ request, routerName: target.name, router: target.router, scorers, mode: 'plan' })).toMatchObject({ modelAlias: 'small', reason: 'mode:plan' });
    }
  });

  it('routes a mode by the tier\'s table', async () => {
    const target = resolveTarget(config, 'triage/frontier');
    if (target.kind !== 'router') throw new Error('not a router');
    const scorers = createScorerPool(async () => ({ name: 'fixed', score: async () => ({ score: 0 }), close: async () => {} }));
    const request: ChatRequest = { model: 'triage/frontier', messages: [{ role: 'user', content: 'x' }] };
    expect(await decide({ request, routerName: target.name, router: target.router, scorers, mode: 'code' })).toMatchObject({ modelAlias: 'big', reason: 'mode:code' });
  });

  it('lets a router with a tier\'s name win', () => {
    const shadowed = parseConfig(raw({}, { balanced: { strong: 'small', weak: 'small', scorer: 'random' } }), 'test');
    expect(resolveTarget(shadowed, 'triage/balanced')).toMatchObject({ name: 'balanced', router: { strong: 'small' } });
  });

  it('rejects a bad tier name with the valid tiers and routers listed', () => {
    expect(() => resolveTarget(config, 'triage/premium')).toThrow(UnknownModelError);
    expect(() => resolveTarget(config, 'triage/premium')).toThrow(/triage\/default, triage\/frontier, triage\/balanced, triage\/economy, triage\/free, triage\/internal/);
  });
});

describe('the free tier', () => {
  it('is offered only where every model it would use costs nothing', () => {
    const priced = parseConfig(raw(), 'test');
    expect(() => resolveTarget(priced, 'triage/free')).toThrow(UnknownModelError);
    let message = '';
    try {
      resolveTarget(priced, 'triage/free');
    } catch (error) {
      message = error instanceof UnknownModelError ? error.validNames.join(', ') : '';
    }
    expect(message).toContain('triage/internal');
    expect(message).not.toContain('triage/free');
    const gratis = parseConfig({ ...raw(), routers: { default: { strong: 'gratis', weak: 'gratisMini', scorer: 'random' } } }, 'test');
    expect(resolveTarget(gratis, 'triage/free')).toMatchObject({ name: 'tier:free', router: { strong: 'gratis', weak: 'gratisMini' } });
  });
});

describe('the tiers config block', () => {
  it.each([
    [{ tiers: { free: { strong: 'big', weak: 'gratis' } } }, /free tier's models must cost nothing; "big" is priced/],
    [{ tiers: { balanced: { strong: 'ghost', weak: 'small' } } }, /tiers\.balanced\.strong.*unknown model alias "ghost"/],
    [{ tiers: { balanced: { strong: 'big' } } }, /give both strong and weak/],
    [{ tiers: { balanced: { model: 'big', strong: 'big', weak: 'small' } } }, /give one of: model, strong \+ weak, ladder/],
    [{ tiers: { premium: { model: 'big' } } }, /tiers/],
  ])('rejects %j', (extra, message) => {
    expect(() => parseConfig(raw(extra), 'test')).toThrow(message);
  });
});
