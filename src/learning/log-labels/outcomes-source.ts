// Label source over the decision log's outcomes table (client feedback): each outcome of a
// decision becomes at most one vote by the rules in outcome-label.ts.

import type { LabelSource, LabelSourceDeps, LabelVote } from './label-source.ts';
import { voteFromOutcome } from './outcome-label.ts';

export function outcomesLabelSource({ store }: LabelSourceDeps): LabelSource {
  return {
    kind: 'outcomes',
    async votes(rows) {
      const votes: LabelVote[] = [];
      for (const row of rows) {
        for (const outcome of await store.outcomes(row.id)) {
          const vote = voteFromOutcome(outcome, row.tier);
          if (vote) votes.push(vote);
        }
      }
      return votes;
    },
  };
}
