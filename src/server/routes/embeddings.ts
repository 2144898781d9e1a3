// POST /v1/embeddings: passed through to the embedding model named in `model` (an alias or upstream
// id; routers are refused, they choose between chat models). Usage is read from the answer.

import type { Context } from 'hono';
import { z } from 'zod';
import { member, parseEmbeddingsUsage, promptStrings } from '../../protocol/passthrough.ts';
import type { GatewayContext } from '../context.ts';
import type { PassThroughEndpoint } from '../passthrough/endpoint.ts';
import { servePassThrough } from '../passthrough/serve.ts';

const EmbeddingsBodySchema = z.looseObject({
  model: z.string({ error: 'model is required and must be a string' }).min(1, 'model must not be empty'),
  input: z.union([z.string(), z.array(z.unknown())], { error: 'input is required: a string or an array of strings or token arrays' }),
});
type EmbeddingsBody = z.infer<typeof EmbeddingsBodySchema>;

export const EMBEDDINGS_ENDPOINT: PassThroughEndpoint<EmbeddingsBody> = {
  kind: 'embeddings',
  path: '/embeddings',
  schema: EmbeddingsBodySchema,
  refuseRouters: 'routers choose between chat models, which makes no sense for embeddings',
  chatView: (body) => ({ messages: [{ role: 'user', content: promptStrings(body.input) }] }),
  wantsStream: () => false,
  usage: (body) => parseEmbeddingsUsage(member(body, 'usage')),
  observe: () => undefined,
  errorEvent: (error) => `data: ${JSON.stringify({ error })}\n\n`,
};

export function handleEmbeddings(ctx: GatewayContext, c: Context): Promise<Response> {
  return servePassThrough(ctx, c, EMBEDDINGS_ENDPOINT);
}
