// Feedback, shadow verdicts and exploration outcomes -> labelled records in the normalised format
// (source "own-traffic", split by a salted prompt hash, see ownSplit), ready for `triage data
// check`, `triage train` and `triage retrain`.
//
// Scores (quality of each model's answer, comparable within the record; pair = the router's
// strong and weak model ids, or the models a shadow row names):
//   strong_needed (feedback label, or the judge preferred the strong answer in both orders) -> strong 1, weak 0
//   weak_ok, feedback label (the weak answer was good enough)                                 -> strong 1, weak 1
//   weak_ok, shadow verdict (the judge preferred the weak answer in both orders)               -> strong 0, weak 1
//   tie (shadow)                                                                               -> strong 1, weak 1
//   inconsistent (shadow: the verdict flipped with the order, position bias)                   -> a tie, confidence 0.5
//   unusable (shadow: the judge's answer did not parse)                                        -> no record
//   rating / thumbs on a WEAK answer: >= 0.5 -> weak_ok, < 0.5 -> strong_needed, confidence |2 rating - 1|
//   rating / thumbs on a STRONG answer                                                         -> no record (says nothing about the weak model)
// One record per decision; when several kinds exist, an explicit feedback label wins over a shadow
// verdict, which wins over a rating. An outcome or verdict on an explored decision (exploration
// flipped its tier; the row's `explored` flag) is exported the same way, with an id starting "explore/".
//
// Prompts are not logged by default, so a record carries what training needs instead: the stored
// feature vector `features: { layout, vector }` (what the scorer saw), prompt "" and the logged
// promptHash. With logPrompts on, the prompt text is there too.

import type { LabelEvidence, OutcomeEvidence, ShadowEvidence } from '../store/label-evidence.ts';
import { labelledRecordSchema, type LabelledRecord } from '../training/data/format.ts';
import { splitByHash, TEST_FRACTION } from '../training/data/split.ts';

export const OWN_TRAFFIC_SOURCE = 'own-traffic';

export interface ModelPair {
  strong: string;
  weak: string;
}

export interface ExportOptions {
  /** The router's strong and weak model names (label keys), or null when the router is unknown. */
  pairFor(router: string | null): ModelPair | null;
  /** Model name a shadow row's model maps to (e.g. a config alias to its model id); identity by default. */
  modelName?(name: string): string;
  /** Drop labels below this confidence (default 0: keep all). */
  minConfidence?: number;
  /** Share of prompt hashes held out as test (default the public sets' 25%). */
  testFraction?: number;
}

export type LabelOrigin = 'feedback' | 'shadow' | 'explore';

export interface ExportStats {
  records: number;
  byOrigin: Record<LabelOrigin, number>;
  skipped: { unusable: number; strongRating: number; lowConfidence: number; unknownRouter: number; noInput: number };
  shadowTable: boolean;
}

interface Candidate {
  rank: number;
  origin: LabelOrigin;
  scores: { strong: number; weak: number };
  confidence: number;
  pair: ModelPair;
  row: OutcomeEvidence | ShadowEvidence;
}

const FEEDBACK_LABEL_SCORES: Record<string, { strong: number; weak: number } | undefined> = {
  strong_needed: { strong: 1, weak: 0 },
  weak_ok: { strong: 1, weak: 1 },
};

const SHADOW_SCORES: Record<ShadowEvidence['label'], { scores: { strong: number; weak: number }; confidence: number } | null> = {
  strong_needed: { scores: { strong: 1, weak: 0 }, confidence: 1 },
  weak_ok: { scores: { strong: 0, weak: 1 }, confidence: 1 },
  tie: { scores: { strong: 1, weak: 1 }, confidence: 1 },
  inconsistent: { scores: { strong: 1, weak: 1 }, confidence: 0.5 },
  unusable: null,
};


/**
 * Train or test for an own-traffic prompt: by its hash, salted with the source name, so traffic
 * that happens to come from a public test set (hashed unsalted) still lands in both splits.
 */
export function ownSplit(promptHash: string, fraction = TEST_FRACTION): 'train' | 'test' {
  return splitByHash(`${OWN_TRAFFIC_SOURCE}:${promptHash}`, fraction);
}

export function exportOwnLabels(evidence: LabelEvidence, options: ExportOptions): { records: LabelledRecord[]; stats: ExportStats } {
  const minConfidence = options.minConfidence ?? 0;
  const modelName = options.modelName ?? ((name: string) => name);
  const stats: ExportStats = {
    records: 0,
    byOrigin: { feedback: 0, shadow: 0, explore: 0 },
    skipped: { unusable: 0, strongRating: 0, lowConfidence: 0, unknownRouter: 0, noInput: 0 },
    shadowTable: evidence.shadowTable,
  };
  const best = new Map<string, Candidate>();
  const offer = (candidate: Candidate): void => {
    if (candidate.confidence < minConfidence) {
      stats.skipped.lowConfidence++;
      return;
    }
    const current = best.get(candidate.row.decisionId);
    if (!current || candidate.rank > current.rank || (candidate.rank === current.rank && candidate.row.recordedAt >= current.row.recordedAt)) {
      best.set(candidate.row.decisionId, candidate);
    }
  };

  for (const row of evidence.outcomes) {
    const pair = options.pairFor(row.router);
    if (!pair || pair.strong === pair.weak) {
      stats.skipped.unknownRouter++;
      continue;
    }
    const origin: LabelOrigin = row.explored ? 'explore' : 'feedback';
    const fromLabel = row.label ? FEEDBACK_LABEL_SCORES[row.label] : undefined;
    if (fromLabel) {
      offer({ rank: 3, origin, scores: fromLabel, confidence: 1, pair, row });
      continue;
    }
    if (row.rating === null) continue;
    if (row.tier !== 'weak') {
      stats.skipped.strongRating++;
      continue;
    }
    const scores = row.rating >= 0.5 ? { strong: 1, weak: 1 } : { strong: 1, weak: 0 };
    offer({ rank: 1, origin, scores, confidence: Math.abs(2 * row.rating - 1), pair, row });
  }
  for (const row of evidence.shadow) {
    const mapped = SHADOW_SCORES[row.label];
    if (!mapped) {
      stats.skipped.unusable++;
      continue;
    }
    const pair = { strong: modelName(row.strongModel), weak: modelName(row.weakModel) };
    offer({ rank: 2, origin: row.explored ? 'explore' : 'shadow', scores: mapped.scores, confidence: mapped.confidence, pair, row });
  }

  const records: LabelledRecord[] = [];
  const fraction = options.testFraction ?? TEST_FRACTION;
  for (const c of [...best.values()].sort((a, b) => a.row.recordedAt - b.row.recordedAt || a.row.decisionId.localeCompare(b.row.decisionId))) {
    const prompt = c.row.promptText ?? '';
    if (prompt.trim() === '' && !c.row.features) {
      stats.skipped.noInput++;
      continue;
    }
    records.push(labelledRecordSchema.parse({
      id: `${c.origin}/${c.row.decisionId}`,
      prompt,
      scores: { [c.pair.strong]: c.scores.strong, [c.pair.weak]: c.scores.weak },
      source: OWN_TRAFFIC_SOURCE,
      split: ownSplit(c.row.promptHash, fraction),
      promptHash: c.row.promptHash,
      ...(c.row.features ? { features: { layout: c.row.features.layout, vector: c.row.features.vector.map((v) => Math.fround(v)) } } : {}),
    }));
    stats.byOrigin[c.origin]++;
  }
  stats.records = records.length;
  return { records, stats };
}
