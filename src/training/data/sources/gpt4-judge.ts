// RouteLLM's GPT-4-judge set, routellm/gpt4_dataset: columns prompt, source, gpt4_response,
// mixtral_response, mixtral_score (1-5: GPT-4's grade of Mixtral's answer, with GPT-4's own
// answer as the reference). GPT-4's answer has no grade of its own, so it gets
// GPT4_REFERENCE_SCORE = 3.5 on the same scale: "strong strictly better" then holds exactly when
// mixtral_score <= 3, RouteLLM's label rule, and the gap keeps the soft signal.
// Split by a fixed hash of the normalised prompt.

import { computePromptHash, makeRecord, type LabelledRecord } from '../format.ts';
import { cellText } from '../hub-export.ts';
import { splitByHash } from '../split.ts';
import { STRONG_MODEL, WEAK_MODEL, type HubSource } from './source.ts';

export const GPT4_REFERENCE_SCORE = 3.5;

export const gpt4Judge: HubSource = {
  kind: 'hub',
  name: 'gpt4-judge',
  dataset: 'routellm/gpt4_dataset',
  description: `GPT-4-judged Mixtral answers (1-5); GPT-4 itself scored ${GPT4_REFERENCE_SCORE} as the reference`,
  splitRule: 'by a fixed hash of the normalised prompt (about 25% test)',
  convert(rows) {
    const records: LabelledRecord[] = [];
    rows.forEach((row, index) => {
      const prompt = cellText(row.prompt);
      const score = Number(cellText(row.mixtral_score));
      if (!prompt.trim() || !Number.isFinite(score) || score < 1 || score > 5) return;
      const rowId = cellText(row.row_idx) || cellText(row.id) || String(index);
      const group = cellText(row.source);
      records.push(makeRecord({
        id: `gpt4-judge/${rowId}`,
        prompt,
        scores: { [STRONG_MODEL]: GPT4_REFERENCE_SCORE, [WEAK_MODEL]: score },
        source: 'gpt4-judge',
        split: splitByHash(computePromptHash(prompt)),
        ...(group ? { group } : {}),
      }));
    });
    return records;
  },
};
