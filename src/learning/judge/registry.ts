// Judge kinds -> factories. Adding a judge: a folder under judge/ and one line here; the config
// enum (config/learning-loop.ts `judgeKind`) names the kinds, and the Record makes a missing one a
// compile error.

import type { ShadowConfig } from '../../config/learning-loop.ts';
import type { Judge, JudgeFactory, JudgeOptions } from './judge.ts';
import { createPairwiseLlmJudge } from './pairwise-llm/index.ts';

export type JudgeKind = ShadowConfig['judgeKind'];

export const judgeFactories: Record<JudgeKind, JudgeFactory> = {
  'pairwise-llm': createPairwiseLlmJudge,
};

export function createJudge(kind: JudgeKind, options: JudgeOptions): Judge {
  return judgeFactories[kind](options);
}
