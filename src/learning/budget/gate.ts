// The hook the request path calls for budget pacing: reserve() before the upstream call (it may
// move the request to the weak model or refuse it), and the returned lease's settle(costUsd) once
// the request has ended, on every exit. Routers without a budget target get null.

import type { PricePerMTok, RouterConfig, Tier } from '../../config/types.ts';
import type { ChatRequest } from '../../protocol/chat.ts';
import type { Admission } from './pacer.ts';

export interface ReserveInput {
  routerName: string;
  router: RouterConfig;
  tier: Tier;
  request: ChatRequest;
  prices: Record<Tier, PricePerMTok>;
}

export interface BudgetGate {
  /** May await (a model-name budget's state is read from the log once; a shared ledger is a database round trip); the check and reservation are one atomic step. */
  reserve(input: ReserveInput): Promise<Admission | null>;
}
