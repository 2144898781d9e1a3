// POST /v1/responses (the Responses API newer agent SDKs use): routed like chat. The last user text
// comes from `input` (a string, or message items with input_text parts) and `instructions`; the
// body goes to the chosen model's /responses with `model` replaced. Streams pass through with their
// `event:` lines; usage is read from response.completed (streams) or the JSON body.

import type { Context } from 'hono';
import { z } from 'zod';
import { member, parseResponsesUsage, responsesChatMessages } from '../../protocol/passthrough.ts';
import type { GatewayContext } from '../context.ts';
import { describeErrorEvent, type PassThroughEndpoint } from '../passthrough/endpoint.ts';
import { servePassThrough } from '../passthrough/serve.ts';

const ResponsesBodySchema = z.looseObject({
  model: z.string({ error: 'model is required and must be a string' }).min(1, 'model must not be empty'),
  input: z.union([z.string(), z.array(z.unknown())], { error: 'input must be a string or an array of input items' }).optional(),
  instructions: z.string({ error: 'instructions must be a string' }).nullable().optional(),
  tools: z.array(z.unknown(), { error: 'tools must be an array' }).optional(),
  stream: z.boolean({ error: 'stream must be a boolean' }).nullable().optional(),
});
type ResponsesBody = z.infer<typeof ResponsesBodySchema>;

/** Events that end a Responses stream with an answer (incomplete: cut by max_output_tokens, still an answer). */
const FINAL_EVENTS: ReadonlySet<string> = new Set(['response.completed', 'response.incomplete']);

export const RESPONSES_ENDPOINT: PassThroughEndpoint<ResponsesBody> = {
  kind: 'responses',
  path: '/responses',
  schema: ResponsesBodySchema,
  refuseRouters: null,
  chatView: (body) => ({ messages: responsesChatMessages(body.input, body.instructions), ...(body.tools ? { tools: body.tools } : {}) }),
  wantsStream: (body) => body.stream === true,
  usage: (body) => parseResponsesUsage(member(body, 'usage')),
  observe(part, state) {
    const json = part.json;
    if (!json) return;
    const type = typeof json['type'] === 'string' ? json['type'] : part.event;
    if (type !== null && FINAL_EVENTS.has(type)) {
      state.complete = true;
      state.usage = parseResponsesUsage(member(json['response'], 'usage')) ?? state.usage;
    } else if (type === 'response.failed') {
      state.errorEvent ??= describeErrorEvent(member(json['response'], 'error') ?? 'response.failed');
    } else if (type === 'error') {
      state.errorEvent ??= describeErrorEvent(json['error'] ?? json);
    }
  },
  // The Responses error event, with an `error` object too so SDKs that check `data.error` raise it.
  errorEvent: (error) => `event: error\ndata: ${JSON.stringify({ type: 'error', code: error.code, message: error.message, param: null, error })}\n\n`,
};

export function handleResponses(ctx: GatewayContext, c: Context): Promise<Response> {
  return servePassThrough(ctx, c, RESPONSES_ENDPOINT);
}
