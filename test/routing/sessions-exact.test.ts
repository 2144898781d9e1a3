// Session policies by hand, through applySessionPolicy() and cacheMissNote() directly: the cost
// comparison's prefix (every message but the last) and new tokens (the last one), the switch side
// priced without a cache, a tie that stays, the warm window's last millisecond, a model with no
// price, and a router with no session policy (never held, whatever the remembered hold says).

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { PricePerMTok } from '../../src/config/types.ts';
import type { ChatRequest } from '../../src/protocol/chat.ts';
import { applySessionPolicy, cacheMissNote } from '../../src/routing/sessions.ts';

const config = parseConfig(
  {
    providers: { p: { baseUrl: 'http://127.0.0.1:1/v1' } },
    models: {
      frontier: { provider: 'p', id: 'f', pricePerMTok: { input: 3, output: 15, cachedInput: 0.3 } },
      mid: { provider: 'p', id: 'm', pricePerMTok: { input: 1, output: 4, cachedInput: 0.1 } },
      small: { provider: 'p', id: 's', pricePerMTok: { input: 0.8, output: 1 } },
    },
    routers: {
      default: { ladder: [{ model: 'frontier', minScore: 0.8 }, { model: 'mid', minScore: 0.4 }, { model: 'small' }], scorer: 'random' },
      cached: {
        ladder: [{ model: 'frontier', minScore: 0.8 }, { model: 'mid', minScore: 0.4 }, { model: 'small' }],
        scorer: 'random',
        sessions: { cacheAware: { assumeCompletionTokens: 100 } },
      },
    },
  },
  'test',
);
const models = ['frontier', 'mid', 'small'];
const prices = (alias: string): PricePerMTok | undefined => config.models[alias]?.pricePerMTok;
const price = (alias: string): PricePerMTok => prices(alias)!;
const conversation = (...lengths: number[]): ChatRequest => ({
  model: 'triage',
  messages: lengths.map((length, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: 'x'.repeat(length) })),
});

describe('cacheMissNote by hand', () => {
  // 400 + 800 characters of prefix (300 tokens) and a last message of 40 (10 tokens).
  const three = conversation(400, 800, 40);

  it('prices the prefix at the cached rate and the last message at the input rate when staying', () => {
    // mid -> small, 10 completion tokens: stay 300 * 0.1 + 10 * 1 + 10 * 4 = 80; switch 310 * 0.8 + 10 * 1 = 258 (per million).
    expect(cacheMissNote(three, price('mid'), price('small'), 10)).toBe('session:cache-warm stay $0.000080<=switch $0.000258');
  });

  it('prices the switch without a cache even when the next model has a cached price', () => {
    // frontier -> mid: stay 300 * 0.3 + 10 * 3 + 10 * 15 = 270; switch 310 * 1 + 10 * 4 = 350.
    expect(cacheMissNote(three, price('frontier'), price('mid'), 10)).toBe('session:cache-warm stay $0.000270<=switch $0.000350');
  });

  it('stays on a tie', () => {
    const flat = { input: 1, output: 1, cachedInput: 1 };
    expect(cacheMissNote(three, flat, { input: 1, output: 1 }, 10)).toBe('session:cache-warm stay $0.000320<=switch $0.000320');
    expect(cacheMissNote(three, flat, { input: 0.99, output: 1 }, 10)).toBeNull();
  });
});

describe('applySessionPolicy by hand', () => {
  // A 1000-token prefix and a 10-token turn, mid -> small at 100 completion tokens:
  // stay 1000 * 0.1 + 10 * 1 + 100 * 4 = 510; switch 1010 * 0.8 + 100 * 1 = 908.
  const long = conversation(4000, 40);
  const session = { rung: 1, model: 'mid', holdLeft: 0 };

  it('keeps a warm session on its model up to the last millisecond of the cache window', () => {
    const router = config.routers['cached']!;
    const warm = applySessionPolicy({ router, request: long, chosen: 2, models, session: { ...session, idleMs: 300_000 }, prices });
    expect(warm).toEqual({ rung: 1, note: 'session:cache-warm stay $0.000510<=switch $0.000908', next: { rung: 1, model: 'mid', holdLeft: 0 } });
    const cold = applySessionPolicy({ router, request: long, chosen: 2, models, session: { ...session, idleMs: 300_001 }, prices });
    expect(cold).toEqual({ rung: 2, note: null, next: { rung: 2, model: 'small', holdLeft: 0 } });
  });

  it('switches when either model has no price', () => {
    const router = config.routers['cached']!;
    const unpriced = (alias: string) => (alias === 'small' ? undefined : prices(alias));
    expect(applySessionPolicy({ router, request: long, chosen: 2, models, session: { ...session, idleMs: 0 }, prices: unpriced }).rung).toBe(2);
    const lastUnpriced = (alias: string) => (alias === 'mid' ? undefined : prices(alias));
    expect(applySessionPolicy({ router, request: long, chosen: 2, models, session: { ...session, idleMs: 0 }, prices: lastUnpriced }).rung).toBe(2);
  });

  it('never holds a session under a router with no session policy', () => {
    const router = config.routers['default']!;
    const remembered = { rung: 0, model: 'frontier', holdLeft: 2, idleMs: 0 };
    expect(applySessionPolicy({ router, request: long, chosen: 2, models, session: remembered, prices })).toEqual({ rung: 2, note: null, next: { rung: 2, model: 'small', holdLeft: 0 } });
  });
});
