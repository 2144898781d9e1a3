// Model-name targets: "triage@s30", "triage/<router>@q95". The suffix table, the resolved router
// (canonical name and bounded metric label, the router's own settings plus the target), and the
// 400-worthy error for a malformed suffix that lists the valid forms.

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { parseTargetSuffix, resolveTarget, TARGET_SUFFIX_FORMS, TargetSuffixError, UnknownModelError } from '../../src/routing/targets.ts';

const config = parseConfig(
  {
    providers: { p: { baseUrl: 'http://127.0.0.1:9/v1' } },
    models: { big: { provider: 'p', id: 'big-1' }, small: { provider: 'p', id: 'small-1' } },
    routers: {
      default: { strong: 'big', weak: 'small', scorer: 'random', threshold: 0.4 },
      fast: { strong: 'big', weak: 'small', scorer: 'random', threshold: 0.7 },
    },
  },
  'test',
);

describe('parseTargetSuffix', () => {
  const cases: Array<[string, ReturnType<typeof parseTargetSuffix>]> = [
    ['s30', { strongShare: 0.3 }],
    ['s0', { strongShare: 0 }],
    ['s100', { strongShare: 1 }],
    ['s5', { strongShare: 0.05 }],
    ['q95', { quality: 0.95 }],
    ['q1', { quality: 0.01 }],
    ['q100', { quality: 1 }],
    ['s101', undefined],
    ['q0', undefined],
    ['q101', undefined],
    ['s05', undefined],
    ['q095', undefined],
    ['s', undefined],
    ['x30', undefined],
    ['s30x', undefined],
    ['S30', undefined],
    ['s1000', undefined],
    ['b500m', { budgetUsd: 500, period: 'month' }],
    ['b20d', { budgetUsd: 20, period: 'day' }],
    ['b1w', { budgetUsd: 1, period: 'week' }],
    ['b999999m', { budgetUsd: 999999, period: 'month' }],
    ['b1000000m', undefined],
    ['b0d', undefined],
    ['b05d', undefined],
    ['b1.5d', undefined],
    ['b500', undefined],
    ['b500y', undefined],
    ['bm', undefined],
    ['B500m', undefined],
  ];
  for (const [suffix, expected] of cases) it(`"${suffix}"`, () => expect(parseTargetSuffix(suffix)).toStrictEqual(expected));
});

describe('resolveTarget with a target suffix', () => {
  it('resolves triage@s30 to the default router with a share target', () => {
    const target = resolveTarget(config, 'triage@s30');
    expect(target).toMatchObject({ kind: 'router', name: 'default@s30', label: 'default@s30' });
    if (target.kind !== 'router') throw new Error('not a router');
    expect(target.router).toMatchObject({ threshold: 0.4, target: { strongShare: 0.3 } });
    expect(config.routers['default']?.target).toBeUndefined(); // the config is not changed
  });

  it('resolves triage/<router>@q95 to that router with a quality target', () => {
    const target = resolveTarget(config, 'triage/fast@q95');
    expect(target).toMatchObject({ kind: 'router', name: 'fast@q95', label: 'fast@q95' });
    if (target.kind !== 'router') throw new Error('not a router');
    expect(target.router).toMatchObject({ threshold: 0.7, target: { quality: 0.95 } });
  });

  it('resolves triage/<router>@b500m to a budget target with a bounded metric label', () => {
    const target = resolveTarget(config, 'triage/fast@b500m');
    expect(target).toMatchObject({ kind: 'router', name: 'fast@b500m', label: 'fast@budget' });
    if (target.kind !== 'router') throw new Error('not a router');
    expect(target.router).toMatchObject({ threshold: 0.7, target: { budgetUsd: 500, period: 'month', onExhausted: 'weak', defaultMaxTokens: 4096 } });
    // A router whose own target is a budget lends its cap behaviour to model-name budgets.
    const paced = parseConfig(
      { providers: { p: { baseUrl: 'http://127.0.0.1:9/v1' } }, models: { big: { provider: 'p', id: 'b' }, small: { provider: 'p', id: 's' } }, routers: { default: { strong: 'big', weak: 'small', scorer: 'random', target: { budgetUsd: 9, period: 'day', onExhausted: 'reject', defaultMaxTokens: 100 } } } },
      'test',
    );
    const suffixed = resolveTarget(paced, 'triage@b20d');
    if (suffixed.kind !== 'router') throw new Error('not a router');
    expect(suffixed.router.target).toEqual({ budgetUsd: 20, period: 'day', onExhausted: 'reject', defaultMaxTokens: 100 });
  });

  it('refuses a malformed suffix, listing the valid forms', () => {
    expect(TARGET_SUFFIX_FORMS).toContain('triage/<router>@b<usd><d|w|m>');
    for (const name of ['triage@s200', 'triage/fast@zz', 'triage@', 'triage@b0m', 'triage/fast@b500y', 'triage@b2.5d']) {
      let thrown: unknown;
      try {
        resolveTarget(config, name);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(TargetSuffixError);
      expect((thrown as Error).message.startsWith(`model "${name}" has a malformed target suffix; valid forms: ${TARGET_SUFFIX_FORMS.join(', ')} `)).toBe(true);
    }
  });

  it('treats an unknown router or a prototype key before the suffix as an unknown model', () => {
    for (const name of ['triage/nope@s30', 'triage/constructor@s30', 'other@s30', 'triage/__proto__@q95']) {
      expect(() => resolveTarget(config, name)).toThrow(UnknownModelError);
    }
  });

  it('drops any configured target from RouteLLM names (they state their threshold)', () => {
    const withTarget = parseConfig(
      { ...{ providers: { p: { baseUrl: 'http://127.0.0.1:9/v1' } } }, models: { big: { provider: 'p', id: 'b' }, small: { provider: 'p', id: 's' } }, routers: { default: { strong: 'big', weak: 'small', scorer: 'random', target: { strongShare: 0.2 } } } },
      'test',
    );
    const target = resolveTarget(withTarget, 'router-random-0.3');
    if (target.kind !== 'router') throw new Error('not a router');
    expect(target.router.target).toBeUndefined();
    expect(target.router.threshold).toBe(0.3);
    expect(target.label).toBe('router-random');
  });
});
