// Structural features: cheap, label-free facts about a shaped request (lengths, turns, tools,
// code, math, lists, cues of reasoning and constraints), in a fixed order with fixed names, each
// scaled to [0, 1] so a linear scorer trains without further normalisation. Regexes run on the
// bounded scan window of the last user turn only, so the cost is O(1) in conversation length.

import type { ShapedInput } from '../shaping.ts';

interface TextView {
  text: string;
  lines: string[];
  words: number;
  letters: number;
}

type FeatureFn = (shaped: ShapedInput, view: TextView) => number;

const clip01 = (x: number): number => (x <= 0 ? 0 : x >= 1 ? 1 : x);
const logScale = (x: number, max: number): number => clip01(Math.log1p(Math.max(0, x)) / Math.log1p(max));
const flag = (b: boolean): number => (b ? 1 : 0);

function countMatches(text: string, pattern: RegExp): number {
  let n = 0;
  pattern.lastIndex = 0;
  while (pattern.exec(text) !== null) n++;
  return n;
}

const CODE_FENCE = /```|~~~/;
const FENCE_LINE = /^\s*(```|~~~)/;
const CODE_LINE =
  /[;{}]\s*$|^\s*(def|class|import|from|return|if|elif|for|while|function|const|let|var|public|private|static|#include|fn|func|package|SELECT|INSERT|UPDATE|CREATE)\b|=>|^\s*[\w.[\]]+\s*[+\-*/]?=\s*\S|^\s*[\w.]+\([^)]*\)\s*;?\s*$|^\s*(\/\/|#!|<\/?[a-z]+[ >])/;
// Keywords, calls `name()`, snake_case and camelCase calls; the lookbehind starts matches at word starts only.
const CODE_KEYWORDS =
  /(?<!\w)(?:(?:def|function|class|return|import|const|let|var|void|int|struct|lambda|async|await|print(?:ln|f)?|console\.log|SELECT|FROM|WHERE|regex|API|JSON|SQL|Python|JavaScript|TypeScript|Java|Rust|Golang|bash|compile[rd]?|bug|debug|algorithm|stack trace|exception)\b|C\+\+|\w+\(\)|[a-z]+_[a-z_]+|[a-z]+[A-Z][a-zA-Z]+\()/g;
const MATH_CHARS = /[0-9+\-*/^=<>%×÷√π∑∫≤≥]/g;
const LATEX = /\\(frac|sqrt|sum|int|prod|lim|begin|cdot|times|alpha|beta|theta|pi|infty|le|ge|neq|mathbb|binom)\b|\$[^$\s](?:[^$\n]{0,198}[^$\s])?\$/;
const MATH_WORDS =
  /\b(solve|equation|calculate|compute|integral|derivative|probability|theorem|lemma|proof|prove|how (many|much)|percent(age)?|sum of|product of|remainder|divisible|matrix|polynomial|prime|factor(ial|ize|ise)?|average|mean|median|ratio|fraction|area|volume|perimeter|radius|angle|triangle|digits?|integer|real numbers?|x\s*=|f\(x\))\b/gi;
const REASONING_WORDS =
  /\b(why|explain|reason(ing)?|prove|justify|step[- ]by[- ]step|analy[sz]e|compare|contrast|trade-?offs?|derive|evaluate|implications?|deduce|infer|logic(al)?|puzzle|riddle|what if|pros and cons|argue)\b/gi;
const CONSTRAINT_WORDS =
  /\b(must|exactly|at (least|most)|no more than|fewer than|without|only|do not|don't|never|ensure|make sure|format(ted)?|in \d+ (words|sentences|lines|bullet)|words or less|tone|style|json|table|bullet points?)\b/gi;
const SEQUENCE_WORDS = /\b(first(ly)?|second(ly)?|then|next|also|additionally|finally|and then|after that|lastly|moreover)\b/gi;
const LIST_LINE = /^\s*([-*•+]|\d{1,2}[.)]|\(?[a-z][).]|\(?[ivx]{1,4}[.)])\s+\S/;
const CHOICE_LINE = /^\s*\(?[A-Ea-e][).:]\s+\S/;
const SENTENCE_END = /[.!?。！？](\s|$)/g;
const QUESTION_MARK = /[?？]/g;
const URL = /\bhttps?:\/\/\S+/;
const NON_ASCII_LETTER = /[^\x00-\x7F]/g;

function codeLineShare(view: TextView): number {
  const lines = view.lines.filter((line) => line.trim() !== '');
  if (lines.length === 0) return 0;
  let code = 0;
  let inFence = false;
  for (const line of lines) {
    const fence = FENCE_LINE.test(line);
    if (fence) inFence = !inFence;
    if (fence || inFence || CODE_LINE.test(line)) code++;
  }
  return code / lines.length;
}

function listLines(view: TextView, pattern: RegExp): number {
  let n = 0;
  for (const line of view.lines) if (pattern.test(line)) n++;
  return n;
}

function meanWordLength(view: TextView): number {
  return view.words === 0 ? 0 : view.letters / view.words;
}

/** Feature definitions in their fixed order. The order is part of the feature layout. */
const STRUCTURAL_FEATURES: ReadonlyArray<readonly [string, FeatureFn]> = [
  ['last_user_log_chars', (s) => logScale(s.facts.lastUserRawChars, 100_000)],
  ['total_log_chars', (s) => logScale(s.facts.totalChars, 1_000_000)],
  ['earlier_user_turns_log', (s) => logScale(s.facts.userTurns - 1, 50)],
  ['follow_up', (s) => flag(s.facts.userTurns > 1)],
  ['context_embedded', (s) => flag(s.contextIncluded)],
  ['system_prompt', (s) => flag(s.facts.hasSystemPrompt)],
  ['system_log_chars', (s) => logScale(s.facts.systemChars, 100_000)],
  ['tools_defined', (s) => flag(s.facts.toolsDefined > 0)],
  ['tool_activity', (s) => flag(s.facts.toolMessages > 0 || s.facts.toolCallsPresent)],
  ['json_output', (s) => flag(s.facts.responseFormatJson)],
  ['images', (s) => flag(s.facts.imageParts > 0)],
  ['code_fence', (_, v) => flag(CODE_FENCE.test(v.text))],
  ['code_line_share', (_, v) => codeLineShare(v)],
  ['code_keywords', (_, v) => clip01(countMatches(v.text, CODE_KEYWORDS) / 6)],
  ['math_char_share', (_, v) => clip01((countMatches(v.text, MATH_CHARS) / Math.max(1, v.text.length)) * 4)],
  ['latex', (_, v) => flag(LATEX.test(v.text))],
  ['math_words', (_, v) => clip01(countMatches(v.text, MATH_WORDS) / 4)],
  ['question_marks', (_, v) => clip01(countMatches(v.text, QUESTION_MARK) / 3)],
  ['list_lines', (_, v) => clip01(listLines(v, LIST_LINE) / 6)],
  ['choice_lines', (_, v) => clip01(listLines(v, CHOICE_LINE) / 4)],
  ['sequence_cues', (_, v) => clip01(countMatches(v.text, SEQUENCE_WORDS) / 4)],
  ['reasoning_cues', (_, v) => clip01(countMatches(v.text, REASONING_WORDS) / 3)],
  ['constraint_cues', (_, v) => clip01(countMatches(v.text, CONSTRAINT_WORDS) / 4)],
  ['sentences_log', (_, v) => logScale(countMatches(v.text, SENTENCE_END), 60)],
  ['mean_word_length', (_, v) => clip01((meanWordLength(v) - 3) / 6)],
  ['non_ascii_share', (_, v) => clip01((countMatches(v.text, NON_ASCII_LETTER) / Math.max(1, v.text.length)) * 2)],
  ['url', (_, v) => flag(URL.test(v.text))],
];

/** Names of the structural features, in vector order. */
export const STRUCTURAL_FEATURE_NAMES: readonly string[] = Object.freeze(STRUCTURAL_FEATURES.map(([name]) => name));

/** Letters, digits, underscore, and every non-ASCII code unit count as word characters. */
function isWordChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code > 127
  );
}

/** One pass over the text: words and word characters (a plain loop; a Unicode regex costs 10x more). */
function viewOf(text: string): TextView {
  let words = 0;
  let letters = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const word = isWordChar(text.charCodeAt(i));
    if (word) letters++;
    if (word && !inWord) words++;
    inWord = word;
  }
  return { text, lines: text.split('\n'), words, letters };
}

/** Structural feature values of a shaped input, in STRUCTURAL_FEATURE_NAMES order, each in [0, 1]. */
export function structuralFeatures(shaped: ShapedInput): Float32Array {
  const view = viewOf(shaped.lastUserScan);
  const out = new Float32Array(STRUCTURAL_FEATURES.length);
  STRUCTURAL_FEATURES.forEach(([, compute], i) => {
    out[i] = compute(shaped, view);
  });
  return out;
}
