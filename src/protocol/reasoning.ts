// How reasoning travels in a chat-shaped (OpenAI) request or answer, whichever model family wrote
// it, and which family can read it back. A model family is what decides that: Anthropic models read
// their own signed thinking blocks; OpenAI's Chat Completions reads no reasoning back at all; other
// OpenAI-compatible models (DeepSeek, Qwen, ... behind vLLM or similar) write plain `reasoning_content`.
// Signed or encrypted reasoning is carried in `reasoning_details` entries (the convention OpenRouter
// uses), each naming the format it came in, so nothing is lost on the way back to its own family.

import { z } from 'zod';

export const ModelFamilySchema = z.enum(['anthropic', 'openai', 'other']);
export type ModelFamily = z.infer<typeof ModelFamilySchema>;

/** Formats of reasoning_details entries, by the family that can read them. */
export const REASONING_FORMAT_OF_FAMILY: Readonly<Record<ModelFamily, string>> = {
  anthropic: 'anthropic-claude-v1',
  openai: 'openai-responses-v1',
  other: 'unsigned-text-v1',
};

export const ReasoningDetailSchema = z.discriminatedUnion('type', [
  /** Reasoning text, with the signature its model needs to accept it back (Anthropic thinking). */
  z.looseObject({ type: z.literal('reasoning.text'), text: z.string().optional(), signature: z.string().nullable().optional(), format: z.string().optional(), index: z.number().int().optional() }),
  /** Reasoning the client cannot read (Anthropic redacted_thinking, OpenAI encrypted_content). */
  z.looseObject({ type: z.literal('reasoning.encrypted'), data: z.string(), format: z.string().optional(), index: z.number().int().optional() }),
  z.looseObject({ type: z.literal('reasoning.summary'), summary: z.string(), format: z.string().optional(), index: z.number().int().optional() }),
]);
export type ReasoningDetail = z.infer<typeof ReasoningDetailSchema>;

export const ReasoningDetailsSchema = z.array(ReasoningDetailSchema);

/** The reasoning_details entries of an assistant message (malformed ones are skipped). */
export function reasoningDetails(value: unknown): ReasoningDetail[] {
  if (!Array.isArray(value)) return [];
  const out: ReasoningDetail[] = [];
  for (const entry of value) {
    const parsed = ReasoningDetailSchema.safeParse(entry);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

/** The prefix of a thinking signature the gateway made up for reasoning an unsigned family wrote. */
export const UNSIGNED_SIGNATURE_PREFIX = 'triage-unsigned:';

/** The family that wrote an Anthropic-shaped thinking signature (ours for unsigned reasoning, else Anthropic). */
export function familyOfSignature(signature: string | null | undefined): ModelFamily | null {
  if (!signature) return null;
  if (!signature.startsWith(UNSIGNED_SIGNATURE_PREFIX)) return 'anthropic';
  const family = ModelFamilySchema.safeParse(signature.slice(UNSIGNED_SIGNATURE_PREFIX.length));
  return family.success ? family.data : null;
}

/** Thinking budget (tokens) for each reasoning effort, and back. */
export const THINKING_BUDGET_OF_EFFORT: Readonly<Record<'minimal' | 'low' | 'medium' | 'high', number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 24_576,
};

export function effortOfBudget(budgetTokens: number): 'low' | 'medium' | 'high' {
  if (budgetTokens < 4096) return 'low';
  if (budgetTokens < 16_384) return 'medium';
  return 'high';
}
