// Labels figures: outcomes (feedback, judges, eval labels) per source and UTC day, and, where the
// store keeps them, shadow-judge labels per verdict and day and the retrain gate's newest verdicts
// (model versions); a store that keeps none answers null for them.

import { isDashboardStore, type LabelDay, type OptionalTableRows } from '../../store/dashboard-store.ts';
import type { GatewayContext } from '../context.ts';
import { readSpan } from './params.ts';

const GATE_ROWS = 20;

export interface LabelsView {
  supported: boolean;
  outcomes: LabelDay[];
  shadowLabels: LabelDay[] | null;
  gate: OptionalTableRows | null;
}

export async function labelsView(ctx: GatewayContext, q: { since: string; until?: string | undefined }, now: number): Promise<LabelsView> {
  const span = readSpan(q, now);
  const store = ctx.store;
  if (!isDashboardStore(store)) return { supported: false, outcomes: [], shadowLabels: null, gate: null };
  const query = { since: span.since, until: span.until };
  return {
    supported: true,
    outcomes: await store.outcomesPerDay(query),
    shadowLabels: await store.shadowLabelsPerDay(query),
    gate: await store.gateVerdicts(GATE_ROWS),
  };
}
