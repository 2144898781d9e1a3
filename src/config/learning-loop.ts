// Config for the learning loop's traffic-side add-ons on a router: shadow judging (a sampled share
// of answered requests is also sent to the other tier, and a judge model compares both answers)
// and exploration (a small random share of decisions near the threshold is flipped, with the
// propensity logged). The gateway wires both in server/start.ts; routing reads `explore` only.

import { z } from 'zod';

export const ShadowConfigSchema = z
  .object({
    /** Share of answered (HTTP 200, routed) chat requests that are shadow-judged. */
    sampleRate: z.number().min(0).max(1),
    /** Model alias of the judge (any configured model). */
    judge: z.string().min(1),
    /** How the judge judges (one implementation today: a pairwise LLM judge, both orders). */
    judgeKind: z.enum(['pairwise-llm']).default('pairwise-llm'),
    /** Cap on shadow spend per UTC day (shadow call and both judge calls), reserved worst case first. */
    maxUsdPerDay: z.number().nonnegative(),
    /** Shadow jobs running at once. */
    concurrency: z.number().int().min(1).max(64).default(2),
    /** Jobs waiting beyond the running ones; more are dropped and counted in /metrics. */
    queueSize: z.number().int().min(0).max(10_000).default(100),
    /** Completion tokens the shadow call may use (also bounds its worst-case cost). */
    maxTokens: z.number().int().positive().max(32_768).default(1024),
    /** Completion tokens each judge call may use. */
    judgeMaxTokens: z.number().int().positive().max(8192).default(512),
    /** Longest answer (characters) kept in memory for the judge; a longer one is not judged (counted). */
    maxAnswerChars: z.number().int().positive().max(1_000_000).default(32_000),
  })
  .strict();
export type ShadowConfig = z.infer<typeof ShadowConfigSchema>;

export const ExploreConfigSchema = z
  .object({
    /** Probability that an eligible decision is flipped to the other tier. */
    rate: z.number().min(0).max(0.5),
    /** Decisions whose score lies within `band` of the threshold are eligible. */
    band: z.number().min(0).max(1),
  })
  .strict();
export type ExploreConfig = z.infer<typeof ExploreConfigSchema>;

/** The router fields this file adds (spread into the router schema). */
export const learningLoopRouterFields = {
  /** Shadow judging (see docs/learning-loop.md). */
  shadow: ShadowConfigSchema.optional(),
  /** Exploration near the threshold, with logged propensities. */
  explore: ExploreConfigSchema.optional(),
};
