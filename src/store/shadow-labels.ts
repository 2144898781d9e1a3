// Shadow labels: what a judge said when one sampled request was answered by both tiers. One row
// per judged decision (table `shadow_labels`, migration 6), written by the learning wing's shadow
// runner and read by label export and retraining. The zod schema owns the shape.
//
// Verdicts follow MT-Bench's pairwise convention, per order shown to the judge:
//   verdictStrongFirst: A = the strong answer (shown first) wins, B = the weak one wins, C = tie.
//   verdictWeakFirst:   A = the weak answer (shown first) wins, B = the strong one wins, C = tie.
//   "unparsable": the judge's answer held no single verdict (or the judge call failed; see error).
// The combined label (rule in learning/judge/combine.ts, documented in docs/learning-loop.md):
//   strong_needed  the strong answer wins in both orders;
//   weak_ok        the weak answer never loses and wins at least once;
//   tie            a tie in both orders, or the strong answer wins once and ties once;
//   inconsistent   each answer wins in one order (position bias);
//   unusable       either verdict is unparsable; never guessed.

import { z } from 'zod';

export const VerdictSchema = z.enum(['A', 'B', 'C', 'unparsable']);
export type Verdict = z.infer<typeof VerdictSchema>;

export const ShadowLabelKindSchema = z.enum(['strong_needed', 'weak_ok', 'tie', 'inconsistent', 'unusable']);
export type ShadowLabelKind = z.infer<typeof ShadowLabelKindSchema>;

const tokens = z.number().int().nonnegative().nullable();

export const NewShadowLabelSchema = z.object({
  decisionId: z.string().min(1),
  /** Unix epoch ms when the label was made. */
  ts: z.number().int(),
  router: z.string().nullable(),
  promptHash: z.string().nullable(),
  /** The tier that answered the client; the shadow call went to the other one. */
  servedTier: z.enum(['strong', 'weak']).nullable(),
  /** Upstream model ids (not aliases) of both tiers and of the judge. */
  strongModel: z.string().min(1),
  weakModel: z.string().min(1),
  judgeModel: z.string().min(1),
  verdictStrongFirst: VerdictSchema,
  verdictWeakFirst: VerdictSchema,
  label: ShadowLabelKindSchema,
  /** USD of the shadow call and both judge calls. */
  costUsd: z.number().nonnegative(),
  shadowTokensIn: tokens,
  shadowTokensOut: tokens,
  judgeTokensIn: tokens,
  judgeTokensOut: tokens,
  /** Why the row is unusable when a call failed (no prompt text, no upstream keys). */
  error: z.string().nullable(),
});
export type NewShadowLabel = z.infer<typeof NewShadowLabelSchema>;

export const ShadowLabelSchema = NewShadowLabelSchema.extend({ id: z.number().int().positive() });
export type ShadowLabel = z.infer<typeof ShadowLabelSchema>;

export interface ShadowLabelQuery {
  /** Inclusive lower bound on ts (epoch ms). */
  since?: number;
  /** Exclusive upper bound on ts. */
  until?: number;
  router?: string;
  /** Most rows, newest first. */
  limit?: number;
}

/** Spend on shadow judging, for reports and the daily cap. */
export interface ShadowSpend {
  labels: number;
  costUsd: number;
}
