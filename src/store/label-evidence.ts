// What the decision log knows that can become a training label, read in one go for
// `triage labels export`: outcomes (feedback, and exploration outcomes, which are feedback on
// explored decisions) joined with their decision, and shadow judges' verdicts (the shadow_labels
// table, when the log has one). Rows carry the decision's prompt hash, its text only when prompts
// were logged, and its stored feature vector (the scorer's input) when one was logged.

import { z } from 'zod';

const decisionPart = {
  decisionId: z.string().min(1),
  createdAt: z.number(),
  router: z.string().nullable(),
  promptHash: z.string().regex(/^[0-9a-f]{64}$/),
  promptText: z.string().nullable(),
  tier: z.enum(['strong', 'weak']).nullable(),
  reason: z.string(),
  scorer: z.string().nullable(),
  features: z.object({ layout: z.string(), vector: z.array(z.number()) }).nullable(),
  /** True when exploration flipped this decision's tier. */
  explored: z.boolean(),
};

export const OutcomeEvidenceSchema = z.object({
  ...decisionPart,
  source: z.string(),
  rating: z.number().nullable(),
  label: z.string().nullable(),
  recordedAt: z.number(),
});
export type OutcomeEvidence = z.infer<typeof OutcomeEvidenceSchema>;

export const SHADOW_LABELS = ['strong_needed', 'weak_ok', 'tie', 'inconsistent', 'unusable'] as const;

export const ShadowEvidenceSchema = z.object({
  ...decisionPart,
  strongModel: z.string(),
  weakModel: z.string(),
  judgeModel: z.string().nullable(),
  label: z.enum(SHADOW_LABELS),
  recordedAt: z.number(),
});
export type ShadowEvidence = z.infer<typeof ShadowEvidenceSchema>;

export interface LabelEvidence {
  outcomes: OutcomeEvidence[];
  shadow: ShadowEvidence[];
  /** False when the log has no shadow_labels table (a build without shadow judging wrote it). */
  shadowTable: boolean;
}

export interface LabelEvidenceQuery {
  /** Inclusive lower bound on when the label was recorded (epoch ms). */
  since?: number;
  /** Most rows per kind (default 1,000,000). */
  limit?: number;
}

export interface LabelEvidenceStore {
  labelEvidence(query?: LabelEvidenceQuery): Promise<LabelEvidence>;
}
