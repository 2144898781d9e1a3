// The shadow port the gateway talks to: draw whether a routed request is shadow-judged, and hand
// over the finished exchange (its conversation and served answer, in memory only) as a job. The
// gateway keeps no reference after offer(); the runner bounds how many jobs it holds.

import type { Tier } from '../../config/types.ts';
import type { ChatMessage } from '../../protocol/chat.ts';

export interface ShadowJob {
  decisionId: string;
  routerName: string;
  promptHash: string;
  /** The tier that answered the client; the shadow call goes to the other one. */
  servedTier: Tier;
  /** The conversation as the client sent it. */
  conversation: ChatMessage[];
  /** The client's max_tokens / max_completion_tokens and temperature, if set. */
  maxTokens: number | null;
  temperature: number | null;
  /** The served answer's text, read when the job starts (off the request path); null when it has none. */
  answer: () => string | null;
}

export interface ShadowSampler {
  /** One random draw: true when this router's request should be judged (then capture and offer it). */
  sample(routerName: string): boolean;
  /** Longest served answer (characters) worth capturing for this router. */
  maxAnswerChars(routerName: string): number;
  /** Queues the job, or drops it (counted) when the queue is full or the runner is stopping. Never throws. */
  offer(job: ShadowJob): void;
}
