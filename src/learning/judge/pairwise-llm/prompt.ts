// The pairwise judge's prompt: a system message stating the task and the verdict format (MT-Bench's
// convention: end with [[A]], [[B]] or [[C]]), and one user message holding the conversation and
// the two answers between fixed delimiters. The conversation is cut from the front (its newest
// turns kept) so the prompt stays bounded whatever the client sent.

import { messageText, type ChatMessage } from '../../../protocol/chat.ts';

export const SECTION = {
  conversationStart: '[Conversation]',
  conversationEnd: '[End of conversation]',
  answerStart: (side: 'A' | 'B') => `[Answer of assistant ${side}]`,
  answerEnd: (side: 'A' | 'B') => `[End of answer of assistant ${side}]`,
} as const;

export const JUDGE_SYSTEM_PROMPT = [
  'You judge the quality of answers written by two AI assistants, A and B, to the same conversation.',
  'Decide which answer serves the last user turn better: correctness first, then helpfulness, relevance, depth and clarity.',
  'The order in which the answers are shown, their length and the assistants\' names must not sway you.',
  'Give a short reason, then end your reply with exactly one verdict on its own line:',
  '"[[A]]" if A is better, "[[B]]" if B is better, "[[C]]" if they are equally good.',
].join(' ');

/** The conversation as plain text, one "role: text" block per message, its newest maxChars kept. */
export function transcript(conversation: readonly ChatMessage[], maxChars: number): string {
  const text = conversation.map((message) => `${message.role}: ${messageText(message)}`).join('\n\n');
  return text.length <= maxChars ? text : `[... earlier turns cut ...]\n${text.slice(text.length - maxChars)}`;
}

export function judgeMessages(conversation: readonly ChatMessage[], first: string, second: string, maxConversationChars: number): ChatMessage[] {
  const user = [
    SECTION.conversationStart,
    transcript(conversation, maxConversationChars),
    SECTION.conversationEnd,
    '',
    SECTION.answerStart('A'),
    first,
    SECTION.answerEnd('A'),
    '',
    SECTION.answerStart('B'),
    second,
    SECTION.answerEnd('B'),
  ].join('\n');
  return [
    { role: 'system', content: JUDGE_SYSTEM_PROMPT },
    { role: 'user', content: user },
  ];
}
