// The learning store: versioned threshold calibrations per router and shadow labels (what a judge
// said about both tiers' answers; see shadow-labels.ts), kept apart from the hot-path
// DecisionStore contract. The same backends implement both (SQLite, memory) and run the shared
// suite in test/store/learning-store.conformance.ts.
//
// Semantics: a router's active calibration is its newest one (by createdAt, then insertion order)
// that has not been rolled back; rollback() marks the active one rolled back, so the one before it
// becomes active. Calibrations are never edited otherwise.

import { z } from 'zod';
import type { NewShadowLabel, ShadowLabel, ShadowLabelQuery, ShadowSpend } from './shadow-labels.ts';

/**
 * The score distribution a calibration was fitted on, for drift checks: `quantiles[i]` is the
 * score at probability level i / (quantiles.length - 1), ascending, over `samples` scores.
 */
export const ScoreSnapshotSchema = z.object({
  samples: z.number().int().positive(),
  quantiles: z.array(z.number().min(0).max(1)).min(2).max(1001),
});
export type ScoreSnapshot = z.infer<typeof ScoreSnapshotSchema>;

/** What a calibration was fitted to: a strong share, a budget over a period, or a quality floor. */
export const CalibrationTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('strongShare'), strongShare: z.number().min(0).max(1) }),
  z.object({ kind: z.literal('budget'), budgetUsd: z.number().positive(), period: z.enum(['day', 'week', 'month']) }),
  z.object({ kind: z.literal('quality'), quality: z.number().gt(0).max(1), confidence: z.boolean() }),
]);
export type CalibrationTarget = z.infer<typeof CalibrationTargetSchema>;

/** The traffic (or labelled file) a calibration was fitted on. */
export const CalibrationWindowSchema = z.object({
  /** "log" (logged decisions) or "labels" (a labelled file). */
  source: z.enum(['log', 'labels']),
  /** Decision rows or labelled records used. */
  samples: z.number().int().nonnegative(),
  since: z.number().nullable(),
  until: z.number().nullable(),
  /** The --window flag as given ("7d", "20000") or the labelled file's path. */
  spec: z.string(),
});
export type CalibrationWindow = z.infer<typeof CalibrationWindowSchema>;

export const CalibrationSchema = z.object({
  id: z.string().min(1),
  router: z.string().min(1),
  /** Unix epoch ms. */
  createdAt: z.number(),
  target: CalibrationTargetSchema,
  threshold: z.number().min(0).max(1),
  /** Scorer the scores came from, e.g. "learned:default@5". */
  scorer: z.string().nullable(),
  window: CalibrationWindowSchema,
  /** Share of the window's requests the threshold sends to the strong model. */
  expectedShare: z.number().min(0).max(1),
  /** Projected spend per period at this threshold, and with every request on the strong model. */
  period: z.enum(['day', 'week', 'month']).nullable(),
  projectedCostUsd: z.number().nullable(),
  allStrongCostUsd: z.number().nullable(),
  /** Routed quality / all-strong quality, with its 95% bootstrap interval, and PGR (labels only). */
  qualityRetained: z.number().nullable(),
  qualityLow: z.number().nullable(),
  qualityHigh: z.number().nullable(),
  pgr: z.number().nullable(),
  /** Set when rolled back (epoch ms); a rolled-back calibration is never active again. */
  rolledBackAt: z.number().nullable(),
  /** The scores the threshold was fitted on, summarised (absent for calibrations without scores). */
  scoreSnapshot: ScoreSnapshotSchema.optional(),
});
export type Calibration = z.infer<typeof CalibrationSchema>;

export interface CalibrationQuery {
  router?: string;
  /** Most rows, newest first. */
  limit?: number;
}

export interface LearningStore {
  saveCalibration(calibration: Calibration): Promise<void>;
  /** Newest first (ties: most recently saved first), rolled-back ones included. */
  calibrations(query?: CalibrationQuery): Promise<Calibration[]>;
  /**
   * The newest non-rolled-back calibration per (router, target), newest first. Synchronous and
   * cheap (bounded by the number of distinct targets): the gateway polls it.
   */
  activeCalibrations(): Calibration[];
  /** Rolls back the router's active calibration; returns the one now active (or null). Throws when none is active. */
  rollback(router: string, at?: number): Promise<Calibration | null>;
  /** Stores one shadow label (written at once, not queued); returns it with its id. */
  saveShadowLabel(label: NewShadowLabel): Promise<ShadowLabel>;
  /** Shadow labels, newest first (ties: most recently saved first). */
  shadowLabels(query?: ShadowLabelQuery): Promise<ShadowLabel[]>;
  /** Count and USD of the shadow labels the query selects (its limit is ignored). */
  shadowSpend(query?: ShadowLabelQuery): Promise<ShadowSpend>;
}

/** Raised by rollback() when the router has no active calibration. */
export class NothingToRollBackError extends Error {
  override readonly name = 'NothingToRollBackError';
}

/** One key per distinct target ("strongShare:0.3", "quality:0.95:lower", "budget:500/month"). */
export function targetKey(target: CalibrationTarget): string {
  switch (target.kind) {
    case 'strongShare':
      return `strongShare:${target.strongShare}`;
    case 'budget':
      return `budget:${target.budgetUsd}/${target.period}`;
    case 'quality':
      return `quality:${target.quality}${target.confidence ? ':lower' : ''}`;
  }
}

/** Newest non-rolled-back calibration per router, from a newest-first list. */
export function activePerRouter(newestFirst: readonly Calibration[]): Calibration[] {
  const seen = new Set<string>();
  const active: Calibration[] = [];
  for (const calibration of newestFirst) {
    if (calibration.rolledBackAt !== null || seen.has(calibration.router)) continue;
    seen.add(calibration.router);
    active.push(calibration);
  }
  return active;
}
