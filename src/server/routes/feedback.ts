// POST /v1/feedback: records an outcome for a decision (a rating, thumbs or a routing label from the
// app or a user), so the learning loop can later turn logged traffic into training labels. Only
// known sources are accepted from clients (the gateway writes judge and exploration outcomes
// itself); one outcome per decision and source is kept; with gateway keys on, a caller can only
// rate decisions made under its own key (others look unknown: 404).

import type { Context } from 'hono';
import { z } from 'zod';
import type { GatewayContext } from '../context.ts';
import { GatewayError, invalidRequest } from '../errors.ts';
import { requestKeyId } from '../middleware/auth.ts';

/** Sources a client may claim. */
export const CLIENT_FEEDBACK_SOURCES = ['feedback', 'user', 'app'] as const;

const FeedbackSchema = z
  .object({
    decision_id: z.string().min(1).max(128),
    rating: z.number().min(0).max(1).optional(),
    thumbs: z.enum(['up', 'down']).optional(),
    label: z.enum(['strong_needed', 'weak_ok']).optional(),
    source: z
      .enum(CLIENT_FEEDBACK_SOURCES, { error: `source must be one of ${CLIENT_FEEDBACK_SOURCES.join(', ')} (judge and exploration outcomes are written by the gateway)` })
      .default('feedback'),
  })
  .strict()
  .refine((f) => f.rating !== undefined || f.thumbs !== undefined || f.label !== undefined, { message: 'give a rating (0..1), thumbs (up|down) or a label (strong_needed|weak_ok)' })
  .refine((f) => f.rating === undefined || f.thumbs === undefined, { message: 'give a rating or thumbs, not both', path: ['thumbs'] });

export async function handleFeedback(ctx: GatewayContext, c: Context): Promise<Response> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw invalidRequest('request body is not valid JSON', 'invalid_json');
  }
  const parsed = FeedbackSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue?.path.map(String).join('.') || null;
    throw invalidRequest(`${param ? `${param}: ` : ''}${issue?.message ?? 'invalid feedback'}`, 'invalid_feedback', param);
  }
  const feedback = parsed.data;
  const decision = await ctx.store.get(feedback.decision_id);
  const caller = requestKeyId(c);
  if (!decision || (ctx.keys.enabled && decision.keyId !== caller)) {
    throw new GatewayError(404, `no decision with id ${feedback.decision_id}`, 'not_found_error', 'decision_not_found', 'decision_id');
  }
  const rating = feedback.rating ?? (feedback.thumbs === undefined ? null : feedback.thumbs === 'up' ? 1 : 0);
  const outcome = { decisionId: decision.id, createdAt: Date.now(), source: feedback.source, rating, label: feedback.label ?? null };
  await ctx.store.recordOutcome(outcome);
  return c.json({ object: 'triage.feedback', decision_id: outcome.decisionId, source: outcome.source, rating: outcome.rating, label: outcome.label }, 201);
}
