// Session-aware routing: the SessionMemory port (where a session's last rung is kept; the gateway
// wires a bounded LRU, server/session-memory.ts) and the pure policies decide() applies to a
// scored turn when the request carries a session id.
//
//   escalate-only  When the score would step down from the session's rung while holdLeft > 0,
//                  the turn stays on that rung and holdLeft drops by one. A turn that reaches its
//                  rung (or a stronger one) on its own score restarts the hold at holdTurns.
//   cache-aware    When the score would step down to a cheaper model while the session's cached
//                  prefix is still warm (idle <= cacheTtlMs) and the last model has a cachedInput
//                  price, compare this turn's cost:
//                    stay   = prefix * last.cachedInput + newTokens * last.input + C * last.output
//                    switch = (prefix + newTokens) * next.input              + C * next.output
//                  (prefix: every message but the last, newTokens: the last one, both estimated at
//                  4 characters a token; C: assumeCompletionTokens). Stay when stay <= switch.
//                  Stepping up is never held back: the score says the turn needs the stronger model.
// Turns decided by a signal (background, long context, thinking) neither follow nor change the
// session; mode turns are not held back but do set the session's rung.

import type { PricePerMTok, RouterConfig } from '../config/types.ts';
import type { ChatRequest } from '../protocol/chat.ts';
import { estimatePromptTokens } from './signals.ts';

/** What routing remembers about a session under one router. */
export interface SessionState {
  /** The ladder rung (0 = strongest) and model alias the last routed turn went to. */
  rung: number;
  model: string;
  /** Turns left on which a weaker score is held on `rung` (escalate-only). */
  holdLeft: number;
}

/** The state as decide() receives it: plus how long ago the last turn was. */
export interface SessionView extends SessionState {
  idleMs: number;
}

/** The port: bounded, synchronous, keyed by router name and session id. */
export interface SessionMemory {
  get(routerName: string, sessionId: string): SessionView | undefined;
  set(routerName: string, sessionId: string, state: SessionState): void;
  /** Sessions currently kept (for tests and metrics). */
  size(): number;
}

export interface SessionOutcome {
  rung: number;
  /** Appended to the decision's reason when the policy changed the rung. */
  note: string | null;
  next: SessionState;
}

function turnCostUsd(prefixTokens: number, newTokens: number, completion: number, price: PricePerMTok, cachedPrefix: boolean): number {
  const prefixPrice = cachedPrefix ? (price.cachedInput ?? price.input) : price.input;
  return (prefixTokens * prefixPrice + newTokens * price.input + completion * price.output) / 1_000_000;
}

/** The cache-aware comparison; the note when staying is no dearer, else null. */
export function cacheMissNote(request: ChatRequest, last: PricePerMTok, next: PricePerMTok, completion: number): string | null {
  if (last.cachedInput === undefined) return null;
  const prefix = estimatePromptTokens(request.messages.slice(0, -1));
  const fresh = estimatePromptTokens(request.messages.slice(-1), request.tools);
  const stay = turnCostUsd(prefix, fresh, completion, last, true);
  const change = turnCostUsd(prefix, fresh, completion, next, false);
  return stay <= change ? `session:cache-warm stay $${stay.toFixed(6)}<=switch $${change.toFixed(6)}` : null;
}

/**
 * Applies the router's session policy to a turn the score sent to rung `chosen`.
 * `models` are the ladder's aliases, `prices` the config's prices by alias.
 */
export function applySessionPolicy(input: {
  router: RouterConfig;
  request: ChatRequest;
  chosen: number;
  models: readonly string[];
  session: SessionView | undefined;
  prices: (alias: string) => PricePerMTok | undefined;
}): SessionOutcome {
  const { router, chosen, models, session } = input;
  const policy = router.sessions;
  const hold = policy?.escalateOnly?.holdTurns ?? 0;
  const at = (rung: number) => models[rung] ?? models[models.length - 1] ?? '';
  const fresh = (rung: number): SessionOutcome => ({ rung, note: null, next: { rung, model: at(rung), holdLeft: hold } });
  // A session whose ladder changed (config reload) starts again.
  if (!session || session.model !== at(session.rung) || chosen <= session.rung) return fresh(chosen);
  if (hold > 0 && session.holdLeft > 0) {
    const holdLeft = session.holdLeft - 1;
    return { rung: session.rung, note: `session:escalate-only held rung ${session.rung} (${holdLeft} turns left)`, next: { rung: session.rung, model: session.model, holdLeft } };
  }
  const cache = policy?.cacheAware;
  if (cache && session.idleMs <= cache.cacheTtlMs) {
    const last = input.prices(session.model);
    const next = input.prices(at(chosen));
    const note = last && next ? cacheMissNote(input.request, last, next, cache.assumeCompletionTokens) : null;
    if (note) return { rung: session.rung, note, next: { rung: session.rung, model: session.model, holdLeft: 0 } };
  }
  return fresh(chosen);
}
