// Model names at their edges: a budget suffix with anything around it, a provider-prefixed model
// name that happens to end in a tier's name (not a tier), and a router that shadows a tier listed
// once among the valid names.

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { parseTargetSuffix, resolveTarget, UnknownModelError, validModelNames } from '../../src/routing/targets.ts';

const config = parseConfig(
  {
    providers: { p: { baseUrl: 'http://127.0.0.1:1/v1' } },
    models: { big: { provider: 'p', id: 'big-1' }, small: { provider: 'p', id: 'small-1' } },
    routers: {
      default: { strong: 'big', weak: 'small', scorer: 'random' },
      balanced: { strong: 'small', weak: 'small', scorer: 'random' },
    },
  },
  'test',
);

describe('budget suffixes', () => {
  it('reads b<usd><period> only as the whole suffix', () => {
    expect(parseTargetSuffix('b500m')).toEqual({ budgetUsd: 500, period: 'month' });
    for (const bad of ['xb500m', 'b500mx', 'sb500m']) expect(parseTargetSuffix(bad)).toBeUndefined();
  });
});

describe('tier names', () => {
  it('are read only after triage/: a model name with another seven-letter prefix is not a tier', () => {
    expect(resolveTarget(config, 'triage/frontier')).toMatchObject({ kind: 'router', name: 'tier:frontier' });
    expect(() => resolveTarget(config, 'openai/frontier')).toThrow(UnknownModelError);
  });

  it('are listed once among the valid names when a router has a tier name', () => {
    const names = validModelNames(config);
    expect(names.filter((name) => name === 'triage/balanced')).toHaveLength(1);
    expect(names).toContain('triage/frontier');
  });
});
