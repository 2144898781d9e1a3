// The gateway's side of the learning wing's ModelCall port: one non-streamed chat call to a model
// alias through the same attempt loop as client traffic (its deployments, breakers, timeouts and
// configured keys; never a client's key), priced at the answering deployment's prices.

import { own } from '../config/lookup.ts';
import type { ModelCall, ModelCallRequest, ModelCallResult } from '../learning/model-call.ts';
import type { ChatRequest } from '../protocol/chat.ts';
import { costUsd } from '../routing/cost.ts';
import type { GatewayContext } from './context.ts';
import { callUpstream, describeFailure, PASS_THROUGH_POLICY } from './upstream/call.ts';

/** The first choice's message text from a chat completion body ("" when it has none). */
export function firstChoiceText(body: unknown): string {
  if (typeof body !== 'object' || body === null || !('choices' in body) || !Array.isArray(body.choices)) return '';
  const choice: unknown = body.choices[0];
  if (typeof choice !== 'object' || choice === null || !('message' in choice)) return '';
  const message: unknown = choice.message;
  if (typeof message !== 'object' || message === null || !('content' in message)) return '';
  return typeof message.content === 'string' ? message.content : '';
}

export function gatewayModelCall(ctx: GatewayContext): ModelCall {
  return {
    async complete(alias: string, input: ModelCallRequest, signal?: AbortSignal): Promise<ModelCallResult> {
      const model = own(ctx.config.models, alias);
      if (!model) return { ok: false, error: `unknown model alias ${alias}` };
      const request: ChatRequest = {
        model: alias,
        messages: input.messages,
        max_tokens: input.maxTokens,
        stream: false,
        ...(input.temperature === undefined ? {} : { temperature: input.temperature }),
      };
      try {
        const outcome = await callUpstream(ctx, [{ alias, model }], request, undefined, signal, PASS_THROUGH_POLICY);
        const { result, attempt } = outcome;
        if (result.kind !== 'json') {
          if (result.kind === 'stream') return { ok: false, error: 'upstream streamed an answer to a non-streamed request' };
          return { ok: false, error: describeFailure(result) };
        }
        const usage = result.usage;
        return {
          ok: true,
          text: firstChoiceText(result.body),
          modelId: attempt.deployment.id,
          promptTokens: usage?.promptTokens ?? null,
          completionTokens: usage?.completionTokens ?? null,
          costUsd: usage ? costUsd(usage, attempt.deployment.pricePerMTok ?? attempt.model.pricePerMTok) : 0,
        };
      } catch (error) {
        return { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}
