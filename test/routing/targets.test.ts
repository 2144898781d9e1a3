// resolveTarget(): the names a client may put in `model`, as a table, with the RouteLLM form's
// threshold bounds, what a RouteLLM name keeps from the default router, and the exact error that
// lists the valid names.

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { resolveTarget, TARGET_SUFFIX_FORMS, UnknownModelError } from '../../src/routing/targets.ts';

const config = parseConfig(
  {
    providers: { p: { baseUrl: 'http://127.0.0.1:1/v1' } },
    models: {
      big: { provider: 'p', id: 'big-1' },
      small: { provider: 'p', id: 'small' }, // id equal to its alias: listed once
      // An alias whose tail after 7 characters is a router name: never mistaken for "triage/tuned".
      gatewaytuned: { provider: 'p', id: 'gw-1' },
    },
    routers: {
      default: { strong: 'big', weak: 'small', scorer: 'learned', model: 'mine', threshold: 0.5 },
      tuned: { strong: 'big', weak: 'small', scorer: 'random', threshold: 0.3 },
    },
  },
  'test',
);

describe('resolveTarget', () => {
  it.each([
    ['triage', { kind: 'router', name: 'default' }],
    ['triage/default', { kind: 'router', name: 'default' }],
    ['triage/tuned', { kind: 'router', name: 'tuned', router: { threshold: 0.3 } }],
    ['router-random-0.25', { kind: 'router', name: 'router-random-0.25', router: { scorer: 'random', threshold: 0.25, strong: 'big', weak: 'small' } }],
    ['router-learned-0', { kind: 'router', name: 'router-learned-0', router: { scorer: 'learned', threshold: 0 } }],
    ['router-learned-1', { kind: 'router', name: 'router-learned-1', router: { scorer: 'learned', threshold: 1 } }],
    ['router-random-.5', { kind: 'router', router: { threshold: 0.5 } }],
    ['big', { kind: 'model', alias: 'big' }],
    ['big-1', { kind: 'model', alias: 'big' }],
    ['small', { kind: 'model', alias: 'small' }],
    ['gatewaytuned', { kind: 'model', alias: 'gatewaytuned' }],
    ['gw-1', { kind: 'model', alias: 'gatewaytuned' }],
  ])('%s', (requested, expected) => {
    expect(resolveTarget(config, requested)).toMatchObject(expected);
  });

  it('keeps the default router model only when the RouteLLM name uses the same scorer kind', () => {
    const same = resolveTarget(config, 'router-learned-0.3');
    expect(same.kind === 'router' && same.router.model).toBe('mine');
    const other = resolveTarget(config, 'router-random-0.3');
    expect(other.kind === 'router' && 'model' in other.router).toBe(false);
    // The configured router itself is not changed.
    expect(config.routers['default']).toMatchObject({ scorer: 'learned', model: 'mine', threshold: 0.5 });
  });

  it.each(['triage/nope', 'router-random-1.5', 'router-random-2', 'router-bert-0.5', 'router-random-', 'xrouter-random-0.5', 'router-random-0.5x', 'Triage', 'nope'])(
    'rejects %s with the list of valid names',
    (requested) => {
      let thrown: unknown;
      try {
        resolveTarget(config, requested);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(UnknownModelError);
      const error = thrown as UnknownModelError;
      expect(error.name).toBe('UnknownModelError');
      expect(error.requested).toBe(requested);
      const tiers = ['triage/frontier', 'triage/balanced', 'triage/economy', 'triage/free', 'triage/internal'];
      const names = ['triage', 'triage/default', 'triage/tuned', ...tiers, ...TARGET_SUFFIX_FORMS, 'router-random-<threshold>', 'router-learned-<threshold>', 'big', 'small', 'gatewaytuned', 'big-1', 'gw-1'];
      expect(error.validNames).toEqual(names);
      expect(error.message).toBe(`model "${requested}" is not known to this gateway; valid names: ${names.join(', ')}`);
    },
  );
});
