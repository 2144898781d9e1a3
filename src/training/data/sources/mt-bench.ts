// MT-Bench (RouteLLM's copy): 80 two-turn questions with GPT-4 judge scores (1-10) per model and
// turn. Questions whose first or second turn is in RouteLLM's contaminated list are removed
// (exact match on eval_prompt, as routellm/evals/benchmarks.py does): 72 remain. Each model's
// score is the mean of its two turns' scores; routing uses turn 1. Test split only, always.

import { makeRecord, type LabelledRecord } from '../format.ts';
import { isObject, parseJsonLines, readContaminatedPrompts, requireEntry } from '../raw-files.ts';
import { ROUTELLM_REPO, type ManifestSource } from './source.ts';

const QUESTIONS = 'routellm/evals/mt_bench/question.jsonl';
const JUDGEMENTS = 'routellm/evals/mt_bench/judgements.jsonl';
const CONTAMINATED = 'routellm/evals/mt_bench/contaminated_prompts.jsonl';
export const MT_BENCH_SOURCE = 'mt-bench';

interface Question {
  id: number | string;
  category: string;
  turns: string[];
}

function readQuestion(row: unknown): Question {
  if (!isObject(row) || !Array.isArray(row.turns) || !row.turns.every((t) => typeof t === 'string') ||
      (typeof row.question_id !== 'number' && typeof row.question_id !== 'string')) {
    throw new Error(`${QUESTIONS}: unexpected row ${JSON.stringify(row).slice(0, 200)}`);
  }
  return { id: row.question_id, category: typeof row.category === 'string' ? row.category : 'unknown', turns: row.turns as string[] };
}

/** Per question and model, the valid judge scores (score >= 0) over all turns. */
function collectScores(rows: unknown[]): Map<string, Map<string, number[]>> {
  const byQuestion = new Map<string, Map<string, number[]>>();
  for (const row of rows) {
    if (!isObject(row) || typeof row.model !== 'string' || typeof row.score !== 'number' || row.score < 0) continue;
    const question = String(row.question_id);
    const models = byQuestion.get(question) ?? new Map<string, number[]>();
    byQuestion.set(question, models);
    models.set(row.model, [...(models.get(row.model) ?? []), row.score]);
  }
  return byQuestion;
}

export const mtBench: ManifestSource = {
  kind: 'manifest',
  name: MT_BENCH_SOURCE,
  description: 'MT-Bench, 72 decontaminated questions, GPT-4 judge score (mean of 2 turns) per model',
  splitRule: 'test only (never trained or tuned on)',
  testOnly: true,
  selects: (e) => e.repo === ROUTELLM_REPO && [QUESTIONS, JUDGEMENTS, CONTAMINATED].includes(e.path),
  async convert(files) {
    const contaminated = await readContaminatedPrompts(files, ROUTELLM_REPO, CONTAMINATED);
    const questions = parseJsonLines(await files.read(requireEntry(files, ROUTELLM_REPO, QUESTIONS)), QUESTIONS).map(readQuestion);
    const scores = collectScores(parseJsonLines(await files.read(requireEntry(files, ROUTELLM_REPO, JUDGEMENTS)), JUDGEMENTS));
    const records: LabelledRecord[] = [];
    for (const question of questions) {
      if (question.turns.some((turn) => contaminated.has(turn))) continue;
      const perModel = scores.get(String(question.id)) ?? new Map<string, number[]>();
      const modelScores: Record<string, number> = {};
      for (const [model, values] of perModel) modelScores[model] = values.reduce((a, b) => a + b, 0) / values.length;
      records.push(makeRecord({
        id: `mt-bench/${question.id}`,
        prompt: question.turns[0] ?? '',
        turns: question.turns,
        scores: modelScores,
        source: MT_BENCH_SOURCE,
        split: 'test',
        group: question.category,
      }));
    }
    return records;
  },
};
