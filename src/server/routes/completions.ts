// POST /v1/completions (the legacy text completions API): passed through to the model named in
// `model`. A router name is routed too: the prompt's text is scored as the last user turn. Streams
// are passed through as SSE; usage comes from the answer (streams: only when the client asks for it).

import type { Context } from 'hono';
import { z } from 'zod';
import { member, parseCompletionsUsage, promptStrings } from '../../protocol/passthrough.ts';
import type { GatewayContext } from '../context.ts';
import { describeErrorEvent, type PassThroughEndpoint } from '../passthrough/endpoint.ts';
import { servePassThrough } from '../passthrough/serve.ts';

const CompletionsBodySchema = z.looseObject({
  model: z.string({ error: 'model is required and must be a string' }).min(1, 'model must not be empty'),
  prompt: z.union([z.string(), z.array(z.unknown()), z.null()], { error: 'prompt must be a string or an array of strings or token arrays' }).optional(),
  stream: z.boolean({ error: 'stream must be a boolean' }).nullable().optional(),
});
type CompletionsBody = z.infer<typeof CompletionsBodySchema>;

function hasFinishReason(json: Record<string, unknown>): boolean {
  const choices = json['choices'];
  return Array.isArray(choices) && choices.some((c) => typeof c === 'object' && c !== null && 'finish_reason' in c && c.finish_reason != null);
}

export const COMPLETIONS_ENDPOINT: PassThroughEndpoint<CompletionsBody> = {
  kind: 'completions',
  path: '/completions',
  schema: CompletionsBodySchema,
  refuseRouters: null,
  chatView: (body) => ({ messages: [{ role: 'user', content: promptStrings(body.prompt) }] }),
  wantsStream: (body) => body.stream === true,
  usage: (body) => parseCompletionsUsage(member(body, 'usage')),
  observe(part, state) {
    if (part.data?.trim() === '[DONE]') state.complete = true;
    const json = part.json;
    if (!json) return;
    if (hasFinishReason(json)) state.complete = true;
    if ('error' in json) state.errorEvent ??= describeErrorEvent(json['error']);
    state.usage = parseCompletionsUsage(json['usage']) ?? state.usage;
  },
  errorEvent: (error) => `data: ${JSON.stringify({ error })}\n\n`,
};

export function handleCompletions(ctx: GatewayContext, c: Context): Promise<Response> {
  return servePassThrough(ctx, c, COMPLETIONS_ENDPOINT);
}
