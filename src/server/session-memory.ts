// The gateway's session memory: an in-process LRU behind routing's SessionMemory port. Bounded by
// a count (config `sessions.maxEntries`, default 10,000) and an idle time (`sessions.ttlMs`,
// default 30 minutes): reading or writing a session makes it the most recent; past the count the
// least recently used goes, and an entry idle longer than the TTL is gone on its next read. Each
// entry is a few numbers and two short strings, so the default bound is a few megabytes at most.
// One process only: several gateway replicas each remember their own sessions.

import type { SessionMemory, SessionState, SessionView } from '../routing/sessions.ts';

interface Entry extends SessionState {
  at: number;
}

export function createSessionMemory(options: { maxEntries: number; ttlMs: number; now?: () => number }): SessionMemory {
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order: delete + set moves a key to the most recent end.
  const entries = new Map<string, Entry>();
  const key = (routerName: string, sessionId: string) => `${routerName}\u0000${sessionId}`;
  return {
    get(routerName, sessionId): SessionView | undefined {
      const k = key(routerName, sessionId);
      const entry = entries.get(k);
      if (!entry) return undefined;
      const idleMs = now() - entry.at;
      if (idleMs > options.ttlMs) {
        entries.delete(k);
        return undefined;
      }
      entries.delete(k);
      entries.set(k, entry);
      return { rung: entry.rung, model: entry.model, holdLeft: entry.holdLeft, idleMs };
    },
    set(routerName, sessionId, state) {
      const k = key(routerName, sessionId);
      entries.delete(k);
      entries.set(k, { rung: state.rung, model: state.model, holdLeft: state.holdLeft, at: now() });
      while (entries.size > options.maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
    },
    size: () => entries.size,
  };
}
