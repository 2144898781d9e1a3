// Which shared state a store gets (a Record over the kinds, so a new kind cannot be forgotten):
// a Postgres store shares spend, share windows and key trust with every instance on its database;
// any other store (SQLite, memory) keeps them in this process, as a single gateway always has.

import { PostgresDecisionStore } from '../postgres/postgres-store.ts';
import type { DecisionStore } from '../store.ts';
import { postgresSharedState, type PostgresSharedStateOptions } from './postgres/index.ts';
import { localSharedState, type SharedState } from './shared-state.ts';

export type SharedStateKind = 'local' | 'postgres';

const factories: Record<SharedStateKind, (store: DecisionStore, options: PostgresSharedStateOptions) => SharedState> = {
  local: () => localSharedState(),
  postgres: (store, options) => {
    if (!(store instanceof PostgresDecisionStore)) throw new Error('postgres shared state needs the Postgres store');
    return postgresSharedState(store.pool, options);
  },
};

export function sharedStateKind(store: DecisionStore): SharedStateKind {
  return store instanceof PostgresDecisionStore ? 'postgres' : 'local';
}

export function sharedStateFor(store: DecisionStore, options: PostgresSharedStateOptions = {}): SharedState {
  return factories[sharedStateKind(store)](store, options);
}
