// The label-source port for quality calibration from the log: something that, given logged
// decisions, says for some of them whether the strong model was needed. Sources are listed in
// sources.ts (kind -> factory); their votes are merged per decision by mergeVotes().

import type { DecisionRecord, DecisionStore } from '../../store/store.ts';

/** One source's verdict on one logged decision. */
export interface LabelVote {
  decisionId: string;
  /** True: the weak model's answer was (or would have been) not good enough. */
  strongNeeded: boolean;
  /** Higher wins when sources disagree on a decision (see VOTE_RANK). */
  rank: number;
  /** When the verdict was recorded (epoch ms): the newest wins within a rank. */
  createdAt: number;
  /** Where it came from, e.g. "outcome:feedback". */
  source: string;
}

/** How strong a kind of evidence is: an explicit label beats a rating; room below for judges. */
export const VOTE_RANK = { label: 2, rating: 1 } as const;

export interface LabelSource {
  readonly kind: string;
  /** Votes on some of the given decisions (any number per decision; none is fine). */
  votes(rows: readonly DecisionRecord[]): Promise<LabelVote[]>;
}

/** What a label source may read. */
export interface LabelSourceDeps {
  store: DecisionStore;
}
