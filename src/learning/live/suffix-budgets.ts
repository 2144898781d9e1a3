// Live budget states for budgets stated in the model name ("triage@b500m"). A client can send
// any number of different budget suffixes, so the gateway keeps pacers for at most `max` of them
// (least recently used first out). A state is created, or re-created after eviction, from the
// spend the log already holds for that name this period, so eviction forgets nothing that has
// finished; a state with requests in flight (reservations of this process) is never evicted: when every state is
// busy, the new name is refused until one frees up.

import type { RouterTarget } from '../../config/types.ts';
import type { SpendLedger } from '../../store/shared-state/spend-ledger.ts';
import { BudgetPacer } from '../budget/pacer.ts';

type BudgetTarget = Extract<RouterTarget, { budgetUsd: number }>;

/** Most model-name budgets a gateway process holds live at once. */
export const MAX_SUFFIX_BUDGETS = 32;

export interface SuffixBudgetsOptions {
  max?: number;
  /** Spend already logged under this router name in the current period of `target`. */
  spentSoFar: (routerName: string, target: BudgetTarget) => Promise<number>;
  onSeedError?: (routerName: string, error: Error) => void;
  now?: () => number;
  /** Where spend and reservations are kept (default: one ledger per pacer, in this process). */
  ledger?: SpendLedger;
}

interface State {
  pacer: Promise<BudgetPacer>;
  ready: BudgetPacer | null;
}

export class SuffixBudgets {
  private readonly states = new Map<string, State>();

  constructor(private readonly options: SuffixBudgetsOptions) {}

  get size(): number {
    return this.states.size;
  }

  get max(): number {
    return this.options.max ?? MAX_SUFFIX_BUDGETS;
  }

  /** The live pacer of a name, if one is held and ready (no side effects). */
  peek(routerName: string): BudgetPacer | undefined {
    return this.states.get(routerName)?.ready ?? undefined;
  }

  /**
   * Runs `use` on the name's pacer, created (and seeded from the log) when needed; null when every
   * state is busy. `use` runs in the same synchronous step that checks the state is still held, so
   * a reservation can never land on a state evicted while this call waited.
   */
  async withPacer<T>(routerName: string, target: BudgetTarget, use: (pacer: BudgetPacer) => T): Promise<T | null> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const state = this.touch(routerName, target);
      if (!state) return null;
      const pacer = state.ready ?? (await state.pacer);
      if (this.states.get(routerName) === state) return use(pacer);
    }
    return null;
  }

  /** The held state (now most recently used), or a new one; null when full of busy states. */
  private touch(routerName: string, target: BudgetTarget): State | null {
    const held = this.states.get(routerName);
    if (held) {
      this.states.delete(routerName); // re-insert: most recently used last
      this.states.set(routerName, held);
      return held;
    }
    if (this.states.size >= this.max && !this.evictOne()) return null;
    const state: State = { pacer: this.create(routerName, target), ready: null };
    void state.pacer.then((pacer) => (state.ready = pacer));
    this.states.set(routerName, state);
    return state;
  }

  private async create(routerName: string, target: BudgetTarget): Promise<BudgetPacer> {
    let spentUsd = 0;
    try {
      spentUsd = await this.options.spentSoFar(routerName, target);
    } catch (error) {
      this.options.onSeedError?.(routerName, error instanceof Error ? error : new Error(String(error)));
    }
    const { budgetUsd, period, onExhausted } = target;
    return new BudgetPacer({
      budgetUsd,
      period,
      onExhausted,
      spentUsd,
      scope: `router:${routerName}`,
      ...(this.options.ledger ? { ledger: this.options.ledger } : {}),
      ...(this.options.now ? { now: this.options.now } : {}),
    });
  }

  /** Drops the least recently used idle state (ready, nothing reserved); false when none is idle. */
  private evictOne(): boolean {
    for (const [name, state] of this.states) {
      if (state.ready && !state.ready.busy) {
        this.states.delete(name);
        return true;
      }
    }
    return false;
  }
}
