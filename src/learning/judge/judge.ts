// The Judge interface: compares two answers to one conversation and says which is better, in
// MT-Bench's pairwise convention (A: the first shown wins, B: the second wins, C: tie), or
// "unparsable" when its answer holds no verdict. A judge never throws and never guesses: any
// failure is an unparsable verdict with the reason. Implementations live in one folder each under
// judge/, are created through judge/registry.ts, and run test/learning/judge.conformance.ts.

import type { ChatMessage } from '../../protocol/chat.ts';
import type { Verdict } from '../../store/shadow-labels.ts';
import type { ModelCall } from '../model-call.ts';

export interface JudgeInput {
  /** The conversation both answers reply to (as the client sent it). */
  conversation: readonly ChatMessage[];
  /** The answer shown first ("Assistant A") and second ("Assistant B"). */
  first: string;
  second: string;
}

export interface JudgeResult {
  verdict: Verdict;
  /** The judge model's upstream id (or the judge's own name when it calls no model). */
  model: string;
  promptTokens: number | null;
  completionTokens: number | null;
  costUsd: number;
  /** Why the verdict is unparsable when the call itself failed (null otherwise). */
  error: string | null;
}

export interface Judge {
  readonly kind: string;
  compare(input: JudgeInput, signal?: AbortSignal): Promise<JudgeResult>;
  /** Most one compare() of this input can cost, for reserving against a spend cap before calling. */
  worstCaseUsd(input: JudgeInput): number;
}

export interface JudgeOptions {
  /** Model alias the judge calls. */
  alias: string;
  call: ModelCall;
  /** Completion tokens per judge call. */
  maxTokens: number;
  /** Worst-case USD of a call with this many prompt and completion tokens (from the alias's prices). */
  priceOf: (promptTokens: number, completionTokens: number) => number;
}

export type JudgeFactory = (options: JudgeOptions) => Judge;
