// Agent signals: what a request says about itself before any guessing from its text. Read in a
// fixed order (SIGNAL_PRECEDENCE); the first that fires picks the model and becomes the decision's
// reason. Pure functions of the request and the router config.
//
//   1. long-context  more than signals.longContext.minPromptTokens (estimated) -> that model
//                    (a capacity limit: a model that cannot hold the prompt cannot answer it)
//   2. thinking      reasoning_effort other than "none", or a `thinking` field not disabled
//                    -> signals.thinking.model, else the top rung (a capability the client asked for)
//   3. mode          the client's mode (x-triage-mode / metadata.mode) -> top or bottom rung,
//                    as the mode table says; "score" modes fall through
//   4. background    a chore (see isBackground) -> signals.background.model, else the bottom rung
// Nothing fired: the scorer decides.

import type { Mode, RouterConfig, Tier } from '../config/types.ts';
import type { ChatMessage, ChatRequest } from '../protocol/chat.ts';
import { messageText } from '../protocol/chat.ts';
import type { SignalsConfig } from '../config/ladder-schema.ts';
import { ladderModels } from './ladder.ts';
import { isMode, modeRoute } from './modes.ts';

export type SignalName = 'long-context' | 'thinking' | 'mode' | 'background';

/** The order signals are read in; the first that fires wins. */
export const SIGNAL_PRECEDENCE: readonly SignalName[] = ['long-context', 'thinking', 'mode', 'background'];

export interface SignalChoice {
  signal: SignalName;
  model: string;
  /** The nominal tier for two-tier views (budget pacing, share counts). */
  tier: Tier;
  reason: string;
}

export interface SignalInput {
  request: ChatRequest;
  router: RouterConfig;
  mode: string | null;
}

/** Prompt tokens, estimated at 4 characters a token over every message's text and the tool definitions. */
export function estimatePromptTokens(messages: readonly ChatMessage[], tools?: unknown): number {
  let chars = 0;
  for (const message of messages) chars += textLength(message);
  if (Array.isArray(tools) && tools.length > 0) chars += JSON.stringify(tools).length;
  return Math.ceil(chars / 4);
}

/** The length of messageText(message), without building the string (this runs over whole conversations). */
function textLength(message: ChatMessage): number {
  const { content } = message;
  if (typeof content === 'string') return content.length;
  if (!Array.isArray(content)) return 0;
  let length = 0;
  let texts = 0;
  for (const part of content) {
    if (part.type === 'text' && typeof part.text === 'string') {
      length += part.text.length;
      texts++;
    }
  }
  return length + Math.max(0, texts - 1);
}

/** max_completion_tokens, else max_tokens, when a positive whole number (0 counts too). */
export function maxTokensOf(request: ChatRequest): number | undefined {
  for (const key of ['max_completion_tokens', 'max_tokens'] as const) {
    const value = request[key];
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  }
  return undefined;
}

function hasTools(request: ChatRequest): boolean {
  return Array.isArray(request.tools) && request.tools.length > 0;
}

/** System and developer text (where agents put a chore's instruction). */
function instructionText(request: ChatRequest): string {
  return request.messages
    .filter((message) => message.role === 'system' || message.role === 'developer')
    .map(messageText)
    .join('\n');
}

/** Words that name a background chore in a short instruction. */
const CHORE_CUE = /\b(title|topic|summari[sz]e|summary|commit message|branch name|name (?:for|of) (?:this|the) (?:conversation|chat|session))\b/i;

/**
 * The background rule. A request with tools is never background (it is an agent step). Otherwise:
 *   - max_tokens (or max_completion_tokens) at or below background.maxTokens (default 64): a tiny
 *     answer (quota probes send 1, classifiers a handful);
 *   - or a chore: the system/developer text is at most maxInstructionChars (default 2000), names a
 *     chore (title, topic, summary, commit message, branch name, a name for the conversation), and
 *     max_tokens is unset or at most choreMaxTokens (default 1024). This is the shape Claude Code
 *     sends to its small model for conversation titles and topic detection: a short system prompt
 *     asking for a title, no tools, a few hundred max_tokens. A cue in a user message alone does
 *     not count ("give my essay a title" is the user's task, not a chore).
 * Returns the reason, or null.
 */
export function backgroundReason(request: ChatRequest, config: NonNullable<SignalsConfig['background']>): string | null {
  if (hasTools(request)) return null;
  const maxTokens = maxTokensOf(request);
  if (maxTokens !== undefined && maxTokens <= config.maxTokens) return `background:max_tokens=${maxTokens}`;
  const instruction = instructionText(request);
  if (instruction.length === 0 || instruction.length > config.maxInstructionChars) return null;
  if (maxTokens !== undefined && maxTokens > config.choreMaxTokens) return null;
  const cue = CHORE_CUE.exec(instruction);
  return cue ? `background:chore(${cue[1]!.toLowerCase()})` : null;
}

/** "reasoning_effort=high", "thinking", or null when the request asks for no reasoning. */
export function thinkingReason(request: ChatRequest): string | null {
  const effort = request['reasoning_effort'];
  if (typeof effort === 'string' && effort !== 'none') return `thinking:reasoning_effort=${effort.slice(0, 16)}`;
  const thinking = request['thinking'];
  if (thinking === undefined || thinking === null || thinking === false) return null;
  if (typeof thinking === 'object' && !Array.isArray(thinking) && 'type' in thinking && thinking.type === 'disabled') return null;
  return 'thinking:thinking';
}

type Detector = (input: SignalInput) => SignalChoice | null;

const DETECTORS: Record<SignalName, Detector> = {
  'long-context': ({ request, router }) => {
    const rule = router.signals?.longContext;
    if (!rule) return null;
    const tokens = estimatePromptTokens(request.messages, request.tools);
    if (tokens <= rule.minPromptTokens) return null;
    return { signal: 'long-context', model: rule.model, tier: 'strong', reason: `long-context:~${tokens}>${rule.minPromptTokens} tokens` };
  },
  thinking: ({ request, router }) => {
    const rule = router.signals?.thinking;
    if (!rule) return null;
    const reason = thinkingReason(request);
    return reason ? { signal: 'thinking', model: rule.model ?? router.strong, tier: 'strong', reason } : null;
  },
  mode: ({ router, mode }) => {
    if (!mode || !isMode(mode)) return null;
    const route = modeRoute(router, mode satisfies Mode);
    if (route === 'score') return null;
    const models = ladderModels(router);
    const model = route === 'strong' ? models[0] : models[models.length - 1];
    return model === undefined ? null : { signal: 'mode', model, tier: route, reason: `mode:${mode}` };
  },
  background: ({ request, router }) => {
    const rule = router.signals?.background;
    if (!rule) return null;
    const reason = backgroundReason(request, rule);
    return reason ? { signal: 'background', model: rule.model ?? router.weak, tier: 'weak', reason } : null;
  },
};

/** The first signal in SIGNAL_PRECEDENCE that fires, or null (then the scorer decides). */
export function readSignals(input: SignalInput): SignalChoice | null {
  for (const name of SIGNAL_PRECEDENCE) {
    const choice = DETECTORS[name](input);
    if (choice) return choice;
  }
  return null;
}
