// Anthropic Messages API response shapes (zod owns each; types inferred): the message, its usage,
// the streamed events (message_start, content_block_start/delta/stop, message_delta, message_stop,
// ping, error) and the error body {type:"error", error:{type, message}}. Read leniently: unknown
// fields are kept and unknown event types are recognised as such, so a new API field never breaks a stream.

import { z } from 'zod';

const count = z.number().int().nonnegative();

export const AnthropicUsageSchema = z.looseObject({
  input_tokens: count.nullable().optional(),
  output_tokens: count.nullable().optional(),
  cache_creation_input_tokens: count.nullable().optional(),
  cache_read_input_tokens: count.nullable().optional(),
});
export type AnthropicUsage = z.infer<typeof AnthropicUsageSchema>;

/** A response content block: known fields read, anything else kept. */
export const ResponseBlockSchema = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  id: z.string().optional(),
  name: z.string().optional(),
  input: z.unknown().optional(),
  thinking: z.string().optional(),
  signature: z.string().optional(),
  data: z.string().optional(),
});
export type ResponseBlock = z.infer<typeof ResponseBlockSchema>;

export const StopReasonSchema = z.string().nullable();

export const AnthropicMessageSchema = z.looseObject({
  id: z.string(),
  type: z.literal('message'),
  role: z.literal('assistant'),
  model: z.string(),
  content: z.array(ResponseBlockSchema),
  stop_reason: StopReasonSchema.optional(),
  stop_sequence: z.string().nullable().optional(),
  usage: AnthropicUsageSchema.optional(),
});
export type AnthropicMessage = z.infer<typeof AnthropicMessageSchema>;

export const AnthropicErrorBodySchema = z.looseObject({
  type: z.literal('error'),
  error: z.looseObject({ type: z.string(), message: z.string() }),
});
export type AnthropicErrorBody = z.infer<typeof AnthropicErrorBodySchema>;

const DeltaSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text_delta'), text: z.string() }),
  z.looseObject({ type: z.literal('input_json_delta'), partial_json: z.string() }),
  z.looseObject({ type: z.literal('thinking_delta'), thinking: z.string() }),
  z.looseObject({ type: z.literal('signature_delta'), signature: z.string() }),
  z.looseObject({ type: z.literal('citations_delta') }),
]);

export const StreamEventSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('message_start'), message: z.looseObject({ id: z.string(), model: z.string(), usage: AnthropicUsageSchema.optional() }) }),
  z.looseObject({ type: z.literal('content_block_start'), index: count, content_block: ResponseBlockSchema }),
  z.looseObject({ type: z.literal('content_block_delta'), index: count, delta: DeltaSchema }),
  z.looseObject({ type: z.literal('content_block_stop'), index: count }),
  z.looseObject({
    type: z.literal('message_delta'),
    delta: z.looseObject({ stop_reason: StopReasonSchema.optional(), stop_sequence: z.string().nullable().optional() }),
    usage: AnthropicUsageSchema.optional(),
  }),
  z.looseObject({ type: z.literal('message_stop') }),
  z.looseObject({ type: z.literal('ping') }),
  z.looseObject({ type: z.literal('error'), error: z.looseObject({ type: z.string(), message: z.string() }) }),
]);
export type StreamEvent = z.infer<typeof StreamEventSchema>;

export const CountTokensResponseSchema = z.object({ input_tokens: count });

/** Anthropic stop reasons and the OpenAI finish reason each maps to. */
export const FINISH_REASON_OF_STOP: Readonly<Record<string, string>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

/** OpenAI finish reasons and the Anthropic stop reason each maps to. */
export const STOP_REASON_OF_FINISH: Readonly<Record<string, string>> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
};
