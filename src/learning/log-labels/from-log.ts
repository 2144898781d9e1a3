// Labels from the decision log for the quality calibrator and replay. Which rows count: the
// router's answered chat requests in the window (status 2xx) whose tier the threshold decided
// (a score compared with it; mode rules and fallbacks are not the threshold's doing). Each such
// row with a vote from any label source (merged: see outcome-label.ts) becomes one labelled
// prompt with binary qualities: the strong model scores 1; the weak model scores 1 when weak was
// enough and 0 when the strong model was needed. So quality retained at a threshold is 1 minus
// the share of labelled prompts that needed the strong model but were sent weak, and PGR is the
// share of strong-needed prompts sent strong.

import type { DecisionRecord } from '../../store/store.ts';
import type { LabelledScores } from '../calibrate/quality.ts';
import { decidedByThreshold } from '../window.ts';
import type { LabelSource, LabelVote } from './label-source.ts';
import { mergeVotes } from './outcome-label.ts';

/** Fewest labelled requests a quality calibration from the log accepts by default. */
export const MIN_LOG_LABELS = 50;
/**
 * Most labelled requests used (the newest): the bootstrap keeps one sample per resample and
 * operating point, so its memory grows with the square of the labels otherwise.
 */
export const MAX_LOG_LABELS = 2000;

export interface LoggedLabel {
  row: DecisionRecord;
  strongNeeded: boolean;
  source: string;
}

export interface LogLabels {
  labelled: LoggedLabel[];
  /** Rows that could carry a label (answered, threshold-decided). */
  eligible: number;
  strongNeeded: number;
  weakOk: number;
  /** Labelled rows per winning source ("outcome:feedback": 12). */
  bySource: Record<string, number>;
  /** Labelled rows left out beyond MAX_LOG_LABELS (the oldest). */
  dropped: number;
}

export function labelEligible(row: DecisionRecord): boolean {
  return decidedByThreshold(row) && row.status >= 200 && row.status < 300;
}

/** Rows are newest first (as the log reads them); only the newest `max` labelled ones are kept. */
export async function readLogLabels(rows: readonly DecisionRecord[], sources: readonly LabelSource[], max = MAX_LOG_LABELS): Promise<LogLabels> {
  const eligible = rows.filter(labelEligible);
  const votes: LabelVote[] = [];
  for (const source of sources) votes.push(...(await source.votes(eligible)));
  const merged = mergeVotes(votes);
  const labelled: LoggedLabel[] = [];
  const bySource: Record<string, number> = {};
  let dropped = 0;
  for (const row of eligible) {
    const vote = merged.get(row.id);
    if (!vote) continue;
    if (labelled.length >= max) {
      dropped++;
      continue;
    }
    labelled.push({ row, strongNeeded: vote.strongNeeded, source: vote.source });
    bySource[vote.source] = (bySource[vote.source] ?? 0) + 1;
  }
  const strongNeeded = labelled.filter((l) => l.strongNeeded).length;
  return { labelled, eligible: eligible.length, strongNeeded, weakOk: labelled.length - strongNeeded, bySource, dropped };
}

/**
 * The calibrator's input: one entry per labelled row with a score (`scoreOf` defaults to the
 * logged score; replay passes re-scored ones, and rows it returns null for are left out).
 */
export function labelledScoresOf(labels: LogLabels, scoreOf: (row: DecisionRecord) => number | null = (row) => row.score): LabelledScores & { ids: string[] } {
  const scores: number[] = [];
  const strong: number[] = [];
  const weak: number[] = [];
  const ids: string[] = [];
  for (const { row, strongNeeded } of labels.labelled) {
    const score = scoreOf(row);
    if (score === null) continue;
    scores.push(score);
    strong.push(1);
    weak.push(strongNeeded ? 0 : 1);
    ids.push(row.id);
  }
  return { scores, strong, weak, ids };
}

export class InsufficientLabelsError extends Error {
  override readonly name = 'InsufficientLabelsError';
}

/** Throws a message saying how many labels exist and how many are needed. */
export function requireLogLabels(labels: LogLabels, where: string, minimum = MIN_LOG_LABELS): void {
  const have = labels.labelled.length;
  const found =
    `found ${have} labelled (${labels.strongNeeded} strong_needed, ${labels.weakOk} weak_ok) among ${labels.eligible} answered, ` +
    'threshold-decided requests';
  const fix = 'send feedback (POST /v1/feedback with a label, or thumbs/rating on weak-served answers), widen --window, or give --labels FILE.jsonl';
  if (have < minimum) throw new InsufficientLabelsError(`a quality calibration from the log needs at least ${minimum} labelled requests ${where}; ${found}; ${fix}`);
  if (labels.strongNeeded === 0 || labels.weakOk === 0) {
    throw new InsufficientLabelsError(`a quality calibration from the log needs both strong_needed and weak_ok labels ${where}; ${found}; ${fix}`);
  }
}
