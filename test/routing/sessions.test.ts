// Session-aware routing: the escalate-only hold over a run of turns (decide() fed the state the
// previous turn left, as the gateway does), the cache-aware rule with its cost figures worked out
// by hand, and the session memory's bounds (count and idle time) on an injected clock.

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { RouterConfig } from '../../src/config/types.ts';
import type { ChatRequest } from '../../src/protocol/chat.ts';
import { decide } from '../../src/routing/decide.ts';
import { cacheMissNote, type SessionState, type SessionView } from '../../src/routing/sessions.ts';
import { createScorerPool } from '../../src/scoring/pool.ts';
import { createSessionMemory } from '../../src/server/session-memory.ts';

const config = parseConfig(
  {
    providers: { p: { baseUrl: 'http://127.0.0.1:1/v1' } },
    models: {
      frontier: { provider: 'p', id: 'f', pricePerMTok: { input: 3, output: 15, cachedInput: 0.3 } },
      mid: { provider: 'p', id: 'm', pricePerMTok: { input: 1, output: 4, cachedInput: 0.1 } },
      small: { provider: 'p', id: 's', pricePerMTok: { input: 0.8, output: 1 } },
    },
    routers: {
      default: {
        ladder: [{ model: 'frontier', minScore: 0.8 }, { model: 'mid', minScore: 0.4 }, { model: 'small' }],
        scorer: 'random',
        sessions: { escalateOnly: { holdTurns: 2 } },
      },
      cached: {
        ladder: [{ model: 'frontier', minScore: 0.8 }, { model: 'mid', minScore: 0.4 }, { model: 'small' }],
        scorer: 'random',
        sessions: { cacheAware: { assumeCompletionTokens: 100 } },
      },
    },
  },
  'test',
);
const prices = (alias: string) => config.models[alias]?.pricePerMTok;
const turn = (content: string): ChatRequest => ({ model: 'triage', messages: [{ role: 'user', content }] });

async function play(router: RouterConfig, scores: number[], request = turn('next step'), idleMs = 0) {
  let state: SessionState | null = null;
  const out: Array<{ model: string; reason: string; holdLeft: number | undefined }> = [];
  for (const score of scores) {
    const session: SessionView | undefined = state ? { ...state, idleMs } : undefined;
    const scorers = createScorerPool(async () => ({ name: 'fixed', score: async () => ({ score }), close: async () => {} }));
    const decision = await decide({ request, routerName: 'r', router, scorers, inSession: true, session, prices });
    if (decision.session) state = decision.session;
    out.push({ model: decision.modelAlias, reason: decision.reason, holdLeft: decision.session?.holdLeft });
  }
  return out;
}

describe('escalate-only', () => {
  it('holds a session on the rung it escalated to for holdTurns turns, then lets it step down', async () => {
    const turns = await play(config.routers['default']!, [0.5, 0.9, 0.1, 0.1, 0.1, 0.5]);
    expect(turns.map((t) => t.model)).toEqual(['mid', 'frontier', 'frontier', 'frontier', 'small', 'mid']);
    expect(turns[2]?.reason).toBe('score<0.4 rung:2/3; session:escalate-only held rung 0 (1 turns left)');
    expect(turns[3]?.reason).toBe('score<0.4 rung:2/3; session:escalate-only held rung 0 (0 turns left)');
    expect(turns[4]?.reason).toBe('score<0.4 rung:2/3');
    // Stepping up is never held back.
    expect(turns[5]?.reason).toBe('score>=0.4 rung:1/3');
  });

  it('restarts the hold when a turn reaches the held rung on its own score', async () => {
    const turns = await play(config.routers['default']!, [0.9, 0.1, 0.85, 0.1, 0.1, 0.1]);
    expect(turns.map((t) => t.model)).toEqual(['frontier', 'frontier', 'frontier', 'frontier', 'frontier', 'small']);
  });

  it('does nothing without a session id, and signals neither follow nor change the session', async () => {
    const router = config.routers['default']!;
    const scorers = createScorerPool(async () => ({ name: 'fixed', score: async () => ({ score: 0.1 }), close: async () => {} }));
    const held: SessionView = { rung: 0, model: 'frontier', holdLeft: 2, idleMs: 0 };
    const outside = await decide({ request: turn('x'), routerName: 'r', router, scorers, session: held });
    expect(outside).toMatchObject({ modelAlias: 'small', session: null });
    const chore = await decide({ request: { ...turn('x'), max_tokens: 5 }, routerName: 'r', router: { ...router, signals: { background: { maxTokens: 64, maxInstructionChars: 2000, choreMaxTokens: 1024 } } }, scorers, inSession: true, session: held });
    expect(chore).toMatchObject({ modelAlias: 'small', signal: 'background', session: null });
    const moded = await decide({ request: turn('x'), routerName: 'r', router, scorers, inSession: true, session: held, mode: 'extract' });
    expect(moded).toMatchObject({ modelAlias: 'small', reason: 'mode:extract', session: { rung: 2, model: 'small', holdLeft: 2 } });
  });

  it('starts again when the remembered model is no longer on that rung (config changed)', async () => {
    const router = config.routers['default']!;
    const scorers = createScorerPool(async () => ({ name: 'fixed', score: async () => ({ score: 0.1 }), close: async () => {} }));
    const stale: SessionView = { rung: 0, model: 'retired-model', holdLeft: 2, idleMs: 0 };
    expect(await decide({ request: turn('x'), routerName: 'r', router, scorers, inSession: true, session: stale })).toMatchObject({ modelAlias: 'small' });
  });
});

describe('cache-aware stepping down', () => {
  // 4 characters a token: a 40,000-character history is 10,000 cached tokens, the new turn 10.
  const history: ChatRequest = {
    model: 'triage',
    messages: [{ role: 'user', content: 'h'.repeat(40_000) }, { role: 'assistant', content: '' }, { role: 'user', content: 'n'.repeat(40) }],
  };

  it('computes both sides of the comparison as documented', () => {
    // stay on mid:     10,000 * 0.1 + 10 * 1   + 100 * 4 = 1,410  -> $0.001410
    // switch to small: 10,010 * 0.8            + 100 * 1 = 8,108  -> $0.008108
    expect(cacheMissNote(history, prices('mid')!, prices('small')!, 100)).toBe('session:cache-warm stay $0.001410<=switch $0.008108');
    // A short prompt has little to lose: staying (10 * 1 + 100 * 4 = 410) costs more than switching (10 * 0.8 + 100 = 108).
    expect(cacheMissNote(turn('n'.repeat(40)), prices('mid')!, prices('small')!, 100)).toBeNull();
    // No cachedInput price on the last model: nothing is cached, the rule does not apply.
    expect(cacheMissNote(history, prices('small')!, prices('mid')!, 100)).toBeNull();
  });

  it('stays on the warm model when switching would cost more, and switches once the cache has gone cold', async () => {
    const router = config.routers['cached']!;
    const warm = await play(router, [0.5, 0.1], history, 1_000);
    expect(warm.map((t) => t.model)).toEqual(['mid', 'mid']);
    expect(warm[1]?.reason).toBe('score<0.4 rung:2/3; session:cache-warm stay $0.001410<=switch $0.008108');
    const cold = await play(router, [0.5, 0.1], history, 300_001);
    expect(cold.map((t) => t.model)).toEqual(['mid', 'small']);
    const short = await play(router, [0.5, 0.1], turn('n'.repeat(40)), 1_000);
    expect(short.map((t) => t.model)).toEqual(['mid', 'small']);
  });
});

describe('session memory', () => {
  const state = (rung: number): SessionState => ({ rung, model: `m${rung}`, holdLeft: 1 });

  it('keeps at most maxEntries sessions, dropping the least recently used', () => {
    const memory = createSessionMemory({ maxEntries: 2, ttlMs: 60_000, now: () => 0 });
    memory.set('r', 'a', state(0));
    memory.set('r', 'b', state(1));
    expect(memory.get('r', 'a')).toMatchObject({ rung: 0 }); // a is now the most recent
    memory.set('r', 'c', state(2));
    expect(memory.size()).toBe(2);
    expect(memory.get('r', 'b')).toBeUndefined();
    expect(memory.get('r', 'a')).toMatchObject({ rung: 0 });
    expect(memory.get('r', 'c')).toMatchObject({ rung: 2 });
    // Routers keep separate state for the same session id.
    expect(memory.get('other', 'a')).toBeUndefined();
  });

  it('forgets a session idle longer than ttlMs and reports the idle time', () => {
    let clock = 1_000;
    const memory = createSessionMemory({ maxEntries: 10, ttlMs: 5_000, now: () => clock });
    memory.set('r', 'a', state(0));
    clock = 6_000;
    expect(memory.get('r', 'a')).toEqual({ rung: 0, model: 'm0', holdLeft: 1, idleMs: 5_000 });
    clock = 6_000 + 5_001;
    expect(memory.get('r', 'a')).toBeUndefined();
    expect(memory.size()).toBe(0);
  });

  it('has the documented defaults', () => {
    expect(config.sessions).toEqual({ maxEntries: 10_000, ttlMs: 1_800_000 });
  });
});
