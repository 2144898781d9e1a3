// The pairwise LLM judge: one non-streamed call to the judge model per order shown, at
// temperature 0, its reply parsed for an MT-Bench-style verdict. A failed call is an unparsable
// verdict with the reason; the cost of a call that answered is counted whatever it said.

import { promptTokenEstimate } from '../../budget/worst-case.ts';
import type { Judge, JudgeInput, JudgeOptions, JudgeResult } from '../judge.ts';
import { parseVerdict } from './parse-verdict.ts';
import { judgeMessages } from './prompt.ts';

/** Conversation characters shown to the judge (its newest part). */
export const MAX_CONVERSATION_CHARS = 24_000;

export function createPairwiseLlmJudge(options: JudgeOptions): Judge {
  const messagesOf = (input: JudgeInput) => judgeMessages(input.conversation, input.first, input.second, MAX_CONVERSATION_CHARS);
  return {
    kind: 'pairwise-llm',
    worstCaseUsd(input) {
      const promptTokens = promptTokenEstimate({ model: options.alias, messages: messagesOf(input) });
      return options.priceOf(promptTokens, options.maxTokens);
    },
    async compare(input, signal): Promise<JudgeResult> {
      const result = await options.call.complete(options.alias, { messages: messagesOf(input), maxTokens: options.maxTokens, temperature: 0 }, signal);
      if (!result.ok) {
        return { verdict: 'unparsable', model: options.alias, promptTokens: null, completionTokens: null, costUsd: 0, error: result.error };
      }
      return {
        verdict: parseVerdict(result.text),
        model: result.modelId,
        promptTokens: result.promptTokens,
        completionTokens: result.completionTokens,
        costUsd: result.costUsd,
        error: null,
      };
    },
  };
}
