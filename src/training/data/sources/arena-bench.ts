// Arena-Hard's arena-bench-v1: 300 hard Chatbot Arena prompts, each answered by 16 models and
// scored 1-10 by a GPT-4 judge against a reference answer. Rows whose score is missing or -1
// (unparsable judgment) are ignored, so a record scores the models that have a valid score.
// Prompt text comes from question.jsonl, or from the judgment's "[Question]" block when absent.
// Split by a fixed hash of question_id (about 25% test).

import { makeRecord, type LabelledRecord } from '../format.ts';
import { isObject, parseJsonLines } from '../raw-files.ts';
import { splitByHash } from '../split.ts';
import { ARENA_HARD_REPO, type ManifestSource } from './source.ts';

const DIR = 'data/arena-bench-v1/';
const QUESTIONS = `${DIR}question.jsonl`;
const JUDGMENT = new RegExp(`^${DIR}model_judgment/.+\\.jsonl$`);

/** The question text inside a reference-guided judge prompt ("[Question]\n...\n\n[The Start of ..."). */
export function questionFromJudgePrompt(userPrompt: string): string | undefined {
  const match = /\[Question\]\n([\s\S]*?)\n\n\[The Start of /.exec(userPrompt);
  return match?.[1];
}

export const arenaBench: ManifestSource = {
  kind: 'manifest',
  name: 'arena-bench',
  description: 'Arena-Hard arena-bench-v1: 300 prompts, GPT-4 judge score 1-10 for 16 models',
  splitRule: 'by a fixed hash of question_id (about 25% test)',
  testOnly: false,
  selects: (e) => e.repo === ARENA_HARD_REPO && (e.path === QUESTIONS || JUDGMENT.test(e.path)),
  async convert(files) {
    const prompts = new Map<string, string>();
    const order: string[] = [];
    const questionEntry = files.entries.find((e) => e.repo === ARENA_HARD_REPO && e.path === QUESTIONS);
    if (questionEntry) {
      for (const row of parseJsonLines(await files.read(questionEntry), QUESTIONS)) {
        if (!isObject(row) || !Array.isArray(row.turns) || typeof row.turns[0] !== 'string') continue;
        const id = String(row.question_id);
        prompts.set(id, row.turns[0]);
        order.push(id);
      }
    }
    const scores = new Map<string, Record<string, number>>();
    const judgmentEntries = files.entries.filter((e) => e.repo === ARENA_HARD_REPO && JUDGMENT.test(e.path))
      .sort((a, b) => a.path.localeCompare(b.path));
    for (const entry of judgmentEntries) {
      for (const row of parseJsonLines(await files.read(entry), entry.path)) {
        if (!isObject(row) || typeof row.model !== 'string') continue;
        const id = String(row.question_id);
        if (!prompts.has(id) && typeof row.user_prompt === 'string') {
          const text = questionFromJudgePrompt(row.user_prompt);
          if (text !== undefined) {
            prompts.set(id, text);
            order.push(id);
          }
        }
        if (typeof row.score !== 'number' || row.score < 0) continue;
        const perModel = scores.get(id) ?? {};
        perModel[row.model] = row.score;
        scores.set(id, perModel);
      }
    }
    const records: LabelledRecord[] = [];
    for (const id of order) {
      records.push(makeRecord({
        id: `arena-bench/${id}`,
        prompt: prompts.get(id) ?? '',
        scores: scores.get(id) ?? {},
        source: 'arena-bench',
        split: splitByHash(id),
      }));
    }
    return records;
  },
};
