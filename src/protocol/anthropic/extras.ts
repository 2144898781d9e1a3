// What an Anthropic Messages request carries that the chat-shaped request cannot say exactly:
// the thinking budget, top_k, and any other top-level field (service_tier, container, ...). The
// gateway hands these to the upstream call beside the chat request, so an Anthropic upstream gets
// them back unchanged and an OpenAI-compatible one never sees them.

import { z } from 'zod';
import { ThinkingConfigSchema } from './messages.ts';

export const AnthropicExtrasSchema = z.object({
  thinking: ThinkingConfigSchema.optional(),
  top_k: z.number().int().min(0).optional(),
  /** The client's anthropic-beta header, sent on to Anthropic upstreams. */
  beta: z.string().max(1024).optional(),
  /** Other top-level fields of the Anthropic body, sent on to Anthropic upstreams only. */
  fields: z.record(z.string(), z.unknown()),
});
export type AnthropicExtras = z.infer<typeof AnthropicExtrasSchema>;

/** Extensions beside a chat request, by the protocol they came from. */
export const ChatExtensionsSchema = z.object({ anthropic: AnthropicExtrasSchema.optional() });
export type ChatExtensions = z.infer<typeof ChatExtensionsSchema>;

/** The chat content part that carries an Anthropic-only block (documents, server tool blocks, ...) to an Anthropic upstream. */
export const ANTHROPIC_BLOCK_PART = 'anthropic_block';

export function anthropicBlockPart(block: Record<string, unknown>): { type: typeof ANTHROPIC_BLOCK_PART; block: Record<string, unknown> } {
  return { type: ANTHROPIC_BLOCK_PART, block };
}
