// POST /v1/feedback: records an outcome for a decision (a rating and/or a label from the app or a
// user), so the learning loop can later turn logged traffic into training labels.

import type { Context } from 'hono';
import { z } from 'zod';
import type { GatewayContext } from '../context.ts';
import { GatewayError, invalidRequest } from '../errors.ts';

const FeedbackSchema = z
  .object({
    decision_id: z.string().min(1),
    rating: z.number().finite().optional(),
    label: z.string().min(1).max(64).optional(),
    source: z.string().min(1).max(64).default('feedback'),
  })
  .strict()
  .refine((f) => f.rating !== undefined || f.label !== undefined, { message: 'give a rating, a label, or both' });

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
  if (!(await ctx.store.get(feedback.decision_id))) {
    throw new GatewayError(404, `no decision with id ${feedback.decision_id}`, 'not_found_error', 'decision_not_found', 'decision_id');
  }
  const outcome = {
    decisionId: feedback.decision_id,
    createdAt: Date.now(),
    source: feedback.source,
    rating: feedback.rating ?? null,
    label: feedback.label ?? null,
  };
  await ctx.store.recordOutcome(outcome);
  return c.json({ object: 'triage.feedback', decision_id: outcome.decisionId, source: outcome.source, rating: outcome.rating, label: outcome.label }, 201);
}
