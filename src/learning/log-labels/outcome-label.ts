// Pure rules that turn a logged outcome (POST /v1/feedback: a label, thumbs or a 0..1 rating)
// into a strong-vs-weak vote, and that merge several votes on one decision into one label.
//
//   label strong_needed        -> strong needed, whichever tier served (rank "label")
//   label weak_ok              -> weak is enough, whichever tier served (rank "label")
//   rating/thumbs, weak served -> rating < 0.5 (thumbs down): strong needed;
//                                 rating >= 0.5 (thumbs up): weak is enough (rank "rating")
//   rating/thumbs, strong served -> no vote: a good strong answer says nothing about the weak
//                                 model, and a bad one says the strong model did not help either
//   any other label, no rating -> no vote
// "Served" is the tier that produced the answer (after any retry on the other model).
// Merging: the highest rank wins; within a rank the newest; then the source name, for a
// deterministic order. The store already keeps one outcome per decision and source.

import type { DecisionOutcome, Tier } from '../../store/store.ts';
import { VOTE_RANK, type LabelVote } from './label-source.ts';

export const STRONG_NEEDED = 'strong_needed';
export const WEAK_OK = 'weak_ok';
/** A rating at or above this says the answer was good enough. */
export const GOOD_RATING = 0.5;

export function voteFromOutcome(outcome: DecisionOutcome, servedTier: Tier | null): LabelVote | null {
  const base = { decisionId: outcome.decisionId, createdAt: outcome.createdAt, source: `outcome:${outcome.source}` };
  if (outcome.label === STRONG_NEEDED || outcome.label === WEAK_OK) {
    return { ...base, strongNeeded: outcome.label === STRONG_NEEDED, rank: VOTE_RANK.label };
  }
  if (outcome.rating === null || !Number.isFinite(outcome.rating) || servedTier !== 'weak') return null;
  return { ...base, strongNeeded: outcome.rating < GOOD_RATING, rank: VOTE_RANK.rating };
}

function beats(a: LabelVote, b: LabelVote): boolean {
  if (a.rank !== b.rank) return a.rank > b.rank;
  if (a.createdAt !== b.createdAt) return a.createdAt > b.createdAt;
  return a.source < b.source;
}

/** One vote per decision: the winner by rank, then recency, then source name. */
export function mergeVotes(votes: readonly LabelVote[]): Map<string, LabelVote> {
  const merged = new Map<string, LabelVote>();
  for (const vote of votes) {
    const held = merged.get(vote.decisionId);
    if (!held || beats(vote, held)) merged.set(vote.decisionId, vote);
  }
  return merged;
}
