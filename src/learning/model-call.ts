// The ModelCall port: how the learning wing asks a configured model alias for one non-streamed
// answer. The gateway implements it (server/model-call.ts) with the same attempt loop, adapters,
// keys and breakers as client traffic, and start.ts hands it in; learning/ never imports server/.

import type { ChatMessage } from '../protocol/chat.ts';

export interface ModelCallRequest {
  messages: ChatMessage[];
  /** Completion tokens allowed (sent as max_tokens). */
  maxTokens: number;
  temperature?: number;
}

export type ModelCallResult =
  | {
      ok: true;
      /** The first choice's text ("" when it has none). */
      text: string;
      /** The upstream model id that answered. */
      modelId: string;
      promptTokens: number | null;
      completionTokens: number | null;
      /** Priced from the answering model's configured prices (0 without usage). */
      costUsd: number;
    }
  | { ok: false; error: string };

export interface ModelCall {
  /** Never throws: a failed call is `{ ok: false }` with a key-free message. */
  complete(alias: string, request: ModelCallRequest, signal?: AbortSignal): Promise<ModelCallResult>;
}
