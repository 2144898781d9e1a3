// RouteLLM's `random` baseline: a score drawn uniformly from [0, 1). With a seed the draw is a hash
// of the seed and the prompt, so the same prompt always gets the same score (replayable); without a
// seed it is Math.random().

import { createHash } from 'node:crypto';
import { lastUserText, type ChatRequest } from '../protocol/chat.ts';
import type { Scorer, ScoreResult } from './scorer.ts';

export function createRandomScorer(options: { seed?: number } = {}): Scorer {
  const { seed } = options;
  return {
    name: seed === undefined ? 'random' : `random:seed=${seed}`,
    async score(request: ChatRequest): Promise<ScoreResult> {
      if (seed === undefined) return { score: Math.random() };
      const digest = createHash('sha256').update(`${seed}\u0000${lastUserText(request.messages)}`).digest();
      // 48 bits of the digest -> uniform in [0, 1).
      return { score: digest.readUIntBE(0, 6) / 2 ** 48 };
    },
    async close() {},
  };
}
