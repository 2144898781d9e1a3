// Lets one fake upstream play the strong model, the weak model and the judge, deterministically
// from the prompt: each tier answers with its own fixed text, and the judge (recognised by the
// pairwise judge's system prompt) reads a marker the client put in its question:
//   [verdict:strong]   the strong answer wins, whichever side it is shown on
//   [verdict:weak]     the weak answer wins
//   [verdict:tie]      [[C]]
//   [verdict:garbage]  a reply with no verdict at all
//   [verdict:first]    always [[A]] (a position-biased judge)
// No marker: the strong answer wins.

import { JUDGE_SYSTEM_PROMPT, SECTION } from '../../src/learning/judge/pairwise-llm/prompt.ts';
import type { FakeChatRequest } from './fake-upstream.ts';

export const STRONG_TEXT = 'A careful answer from the strong model.';
export const WEAK_TEXT = 'A quick answer from the weak model.';

const text = (content: unknown): string => (typeof content === 'string' ? content : '');

export function isJudgeRequest(request: FakeChatRequest): boolean {
  return text(request.messages[0]?.content) === JUDGE_SYSTEM_PROMPT;
}

function section(prompt: string, start: string, end: string): string {
  const from = prompt.indexOf(start);
  const to = prompt.indexOf(end, from);
  return from === -1 || to === -1 ? '' : prompt.slice(from + start.length, to);
}

export function judgeReply(prompt: string): string {
  const marker = /\[verdict:(strong|weak|tie|garbage|first)\]/.exec(section(prompt, SECTION.conversationStart, SECTION.conversationEnd))?.[1] ?? 'strong';
  const a = section(prompt, SECTION.answerStart('A'), SECTION.answerEnd('A'));
  switch (marker) {
    case 'tie':
      return 'Both answers are equally good.\n[[C]]';
    case 'garbage':
      return 'I would rather not pick one.';
    case 'first':
      return 'The first answer is better.\n[[A]]';
    case 'strong':
      return a.includes(STRONG_TEXT) ? 'A is better.\n[[A]]' : 'B is better.\n[[B]]';
    default:
      return a.includes(WEAK_TEXT) ? 'A is better.\n[[A]]' : 'B is better.\n[[B]]';
  }
}

/** An answerFor for the fake upstream: strong and weak model ids answer their text; judge prompts get a verdict. */
export function playTiersAndJudge(ids: { strong: string; weak: string }): (request: FakeChatRequest) => string | undefined {
  return (request) => {
    if (isJudgeRequest(request)) return judgeReply(text(request.messages[1]?.content));
    if (request.model === ids.strong) return STRONG_TEXT;
    if (request.model === ids.weak) return WEAK_TEXT;
    return undefined;
  };
}
