// Drift of a router's live scores from its active calibration's snapshot, and what to do about it.
// Stated rule (PSI bands as commonly used for population stability):
//   fewer than MIN_LIVE scores                      -> not-enough-traffic
//   PSI < 0.10 and KS D < 0.10                      -> stable: nothing to do
//   PSI >= 0.25                                     -> retrain (the scorer meets traffic unlike what
//                                                      it was fitted on), then recalibrate
//   otherwise (PSI >= 0.10, or KS D >= 0.10 with p < 0.01) -> recalibrate the threshold
// Also reported: the strong share the calibrated threshold gives live against the share it
// expected, which is what a shift costs.

import type { LearningStore } from '../../store/learning-store.ts';
import { activePerRouter } from '../../store/learning-store.ts';
import type { DecisionStore } from '../../store/store.ts';
import { decidedByThreshold, readWindow, type WindowSpec } from '../window.ts';
import { ks, psi, type KsResult } from './stats.ts';

export const DRIFT_RULE = { minLive: 200, psiRecalibrate: 0.1, psiRetrain: 0.25, ksD: 0.1, ksP: 0.01 } as const;

export type DriftVerdict = 'stable' | 'recalibrate' | 'retrain' | 'not-enough-traffic' | 'no-snapshot';

export interface DriftReport {
  router: string;
  window: string;
  calibration: { id: string; createdAt: number; threshold: number; expectedShare: number; scorer: string | null; snapshotSamples: number } | null;
  liveSamples: number;
  /** Live scores from a scorer other than the calibration's (left out of the comparison). */
  otherScorer: number;
  liveStrongShare: number | null;
  psi: number | null;
  ks: KsResult | null;
  verdict: DriftVerdict;
  advice: string;
}

const ADVICE: Record<DriftVerdict, (router: string) => string> = {
  stable: () => 'scores look like those the threshold was fitted on; nothing to do',
  recalibrate: (router) => `scores have shifted: refit the threshold (triage calibrate --router ${router} ...)`,
  retrain: (router) => `scores have shifted a lot: retrain the scorer on recent labels (triage retrain), then recalibrate (triage calibrate --router ${router} ...)`,
  'not-enough-traffic': () => `fewer than ${DRIFT_RULE.minLive} scored requests in the window: widen --window`,
  'no-snapshot': (router) => `no active calibration with a score snapshot: calibrate once to record one (triage calibrate --router ${router} ...)`,
};

export function driftVerdict(samples: number, psiValue: number, ksValue: KsResult): DriftVerdict {
  if (samples < DRIFT_RULE.minLive) return 'not-enough-traffic';
  if (psiValue >= DRIFT_RULE.psiRetrain) return 'retrain';
  if (psiValue >= DRIFT_RULE.psiRecalibrate || (ksValue.d >= DRIFT_RULE.ksD && ksValue.pValue < DRIFT_RULE.ksP)) return 'recalibrate';
  return 'stable';
}

export async function driftReport(store: DecisionStore & LearningStore, router: string, window: WindowSpec, now = Date.now()): Promise<DriftReport> {
  const active = activePerRouter(store.activeCalibrations()).find((c) => c.router === router);
  const { rows } = await readWindow(store, router, window, now);
  const scored = rows.filter(decidedByThreshold);
  const base = { router, window: window.spec };
  if (!active?.scoreSnapshot) {
    return {
      ...base, calibration: null, liveSamples: scored.length, otherScorer: 0, liveStrongShare: null, psi: null, ks: null,
      verdict: 'no-snapshot', advice: ADVICE['no-snapshot'](router),
    };
  }
  const same = scored.filter((row) => active.scorer === null || row.scorer === null || row.scorer === active.scorer);
  const scores = same.map((row) => row.score ?? 0);
  const psiValue = psi(scores, active.scoreSnapshot);
  const ksValue = ks(scores, active.scoreSnapshot);
  const verdict = driftVerdict(scores.length, psiValue, ksValue);
  return {
    ...base,
    calibration: {
      id: active.id, createdAt: active.createdAt, threshold: active.threshold, expectedShare: active.expectedShare,
      scorer: active.scorer, snapshotSamples: active.scoreSnapshot.samples,
    },
    liveSamples: scores.length,
    otherScorer: scored.length - same.length,
    liveStrongShare: scores.length === 0 ? null : scores.filter((s) => s >= active.threshold).length / scores.length,
    psi: Number.isFinite(psiValue) ? psiValue : null,
    ks: Number.isFinite(ksValue.d) ? ksValue : null,
    verdict,
    advice: ADVICE[verdict](router),
  };
}
