// What the dashboard reads and writes beyond the decision log: an audit trail of admin actions
// (apply a calibration, roll one back), labels collected per source and day (the outcomes table),
// and the learning tables other parts may add later (shadow labels, a model gate), found by
// feature detection so the dashboard never depends on them. SQLite and memory implement it and
// run test/store/dashboard-store.conformance.ts.

import { z } from 'zod';

export const AuditActionSchema = z.enum(['apply', 'rollback']);
export type AuditAction = z.infer<typeof AuditActionSchema>;

/** One admin action, recorded when it happens and never edited. */
export const AuditEntrySchema = z.object({
  /** Unix epoch ms. */
  createdAt: z.number(),
  action: AuditActionSchema,
  router: z.string().min(1),
  /** The calibration created (apply) or now active after a rollback (null: the configured threshold). */
  calibrationId: z.string().nullable(),
  /** The gateway key that acted (a hash prefix, never the key), or null without auth. */
  keyId: z.string().nullable(),
  /** A short JSON object with the action's inputs (threshold, window, ...); never a secret. */
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

/** Labels of one source on one UTC day. */
export const LabelDaySchema = z.object({
  day: z.string(),
  source: z.string(),
  count: z.number().int().nonnegative(),
  /** Mean rating of the labels that carry one, or null. */
  meanRating: z.number().nullable(),
});
export type LabelDay = z.infer<typeof LabelDaySchema>;

/** Rows of an optional learning table, as plain cells (long text cut), newest first. */
export const OptionalTableRowsSchema = z.object({
  table: z.string(),
  columns: z.array(z.string()),
  rows: z.array(z.array(z.union([z.string(), z.number(), z.null()]))),
});
export type OptionalTableRows = z.infer<typeof OptionalTableRowsSchema>;

export interface LabelQuery {
  since?: number;
  until?: number;
}

export interface DashboardStore {
  recordAudit(entry: AuditEntry): Promise<void>;
  /** Newest first, at most `limit`. */
  auditEntries(limit: number): Promise<AuditEntry[]>;
  /** Outcomes (feedback, judges, eval labels) per UTC day and source, oldest day first. */
  outcomesPerDay(query?: LabelQuery): Promise<LabelDay[]>;
  /** Shadow labels per UTC day and labeler, or null when the store has no such table. */
  shadowLabelsPerDay(query?: LabelQuery): Promise<LabelDay[] | null>;
  /** The newest rows of a model-gate table, or null when the store has none. */
  gateVerdicts(limit: number): Promise<OptionalTableRows | null>;
}

export function isDashboardStore(store: object): store is DashboardStore {
  return 'recordAudit' in store && 'outcomesPerDay' in store && 'gateVerdicts' in store;
}

/** "YYYY-MM-DD" of an epoch ms, in UTC. */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
