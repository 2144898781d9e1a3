// Anthropic Messages API request shapes (zod owns each one; the types are inferred): content blocks,
// system, tools, tool_choice, thinking, the /v1/messages body and the count_tokens body. Unknown
// fields are kept (looseObject) so nothing a client adds is lost on the way to an Anthropic upstream.

import { z } from 'zod';

export const CacheControlSchema = z.looseObject({ type: z.literal('ephemeral') });

export const TextBlockSchema = z.looseObject({
  type: z.literal('text'),
  text: z.string(),
  cache_control: CacheControlSchema.nullable().optional(),
});

export const ImageSourceSchema = z.union([
  z.looseObject({ type: z.literal('base64'), media_type: z.string().min(1), data: z.string() }),
  z.looseObject({ type: z.literal('url'), url: z.string().min(1) }),
]);

export const ImageBlockSchema = z.looseObject({
  type: z.literal('image'),
  source: ImageSourceSchema,
  cache_control: CacheControlSchema.nullable().optional(),
});

export const ToolUseBlockSchema = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache_control: CacheControlSchema.nullable().optional(),
});

export const ToolResultBlockSchema = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [TextBlockSchema, ImageBlockSchema]))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: CacheControlSchema.nullable().optional(),
});

export const ThinkingBlockSchema = z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() });
export const RedactedThinkingBlockSchema = z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() });

export const KnownBlockSchema = z.discriminatedUnion('type', [
  TextBlockSchema,
  ImageBlockSchema,
  ToolUseBlockSchema,
  ToolResultBlockSchema,
  ThinkingBlockSchema,
  RedactedThinkingBlockSchema,
]);
const KNOWN_BLOCK_TYPES = new Set(['text', 'image', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking']);

/** A block only Anthropic models read (document, server_tool_use, web_search_tool_result, ...): carried as it is. */
export const OtherBlockSchema = z.looseObject({ type: z.string().refine((type) => !KNOWN_BLOCK_TYPES.has(type), 'a known block type with a wrong shape') });
export type OtherBlock = z.infer<typeof OtherBlockSchema>;

export const ContentBlockSchema = z.union([KnownBlockSchema, OtherBlockSchema]);
export type ContentBlock = z.infer<typeof KnownBlockSchema>;
export type TextBlock = z.infer<typeof TextBlockSchema>;
export type ImageBlock = z.infer<typeof ImageBlockSchema>;

export const MessageParamSchema = z.looseObject({
  role: z.enum(['user', 'assistant'], { error: 'role must be user or assistant' }),
  content: z.union([z.string(), z.array(ContentBlockSchema)]),
});
export type MessageParam = z.infer<typeof MessageParamSchema>;

export const ToolSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  /** Absent for Anthropic's server tools (web search, ...), which are typed by `type`. */
  input_schema: z.record(z.string(), z.unknown()).optional(),
  type: z.string().optional(),
  cache_control: CacheControlSchema.nullable().optional(),
});
export type Tool = z.infer<typeof ToolSchema>;

export const ToolChoiceSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal('none') }),
  z.looseObject({ type: z.literal('tool'), name: z.string().min(1), disable_parallel_tool_use: z.boolean().optional() }),
]);
export type ToolChoice = z.infer<typeof ToolChoiceSchema>;

export const ThinkingConfigSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('enabled'), budget_tokens: z.number().int().min(1) }),
  z.looseObject({ type: z.literal('disabled') }),
]);
export type ThinkingConfig = z.infer<typeof ThinkingConfigSchema>;

export const SystemSchema = z.union([z.string(), z.array(TextBlockSchema)]);

const requestFields = {
  model: z.string({ error: 'model is required and must be a string' }).min(1, 'model must not be empty'),
  messages: z.array(MessageParamSchema, { error: 'messages is required and must be an array' }).min(1, 'messages must not be empty'),
  system: SystemSchema.optional(),
  tools: z.array(ToolSchema).optional(),
  tool_choice: ToolChoiceSchema.optional(),
  thinking: ThinkingConfigSchema.optional(),
};

export const MessagesRequestSchema = z.looseObject({
  ...requestFields,
  max_tokens: z.number({ error: 'max_tokens is required and must be a number' }).int().min(1),
  stop_sequences: z.array(z.string()).max(64).optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  metadata: z.looseObject({ user_id: z.string().max(256).nullable().optional() }).optional(),
});
export type MessagesRequest = z.infer<typeof MessagesRequestSchema>;

export const CountTokensRequestSchema = z.looseObject(requestFields);
export type CountTokensRequest = z.infer<typeof CountTokensRequestSchema>;
