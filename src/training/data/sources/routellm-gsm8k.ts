// RouteLLM's GSM8K responses: one CSV, a True/False column per model (plus each model's answer
// text, which is ignored). Contaminated prompts are removed; split by a fixed hash of the prompt.

import { parseBoolCell, parseCsvObjects } from '../csv.ts';
import { computePromptHash, makeRecord, type LabelledRecord } from '../format.ts';
import { readContaminatedPrompts, requireEntry } from '../raw-files.ts';
import { splitByHash } from '../split.ts';
import { modelColumns } from './routellm-mmlu.ts';
import { ROUTELLM_REPO, type ManifestSource } from './source.ts';

const RESPONSES = 'routellm/evals/gsm8k/gsm8k_responses.csv';
const CONTAMINATED = 'routellm/evals/gsm8k/contaminated_prompts.jsonl';

export const routellmGsm8k: ManifestSource = {
  kind: 'manifest',
  name: 'routellm-gsm8k',
  description: 'GSM8K test questions, correctness 1/0 of GPT-4-1106 and Mixtral-8x7B, from RouteLLM',
  splitRule: 'by a fixed hash of the normalised prompt (about 25% test)',
  testOnly: false,
  selects: (e) => e.repo === ROUTELLM_REPO && (e.path === RESPONSES || e.path === CONTAMINATED),
  async convert(files) {
    const contaminated = await readContaminatedPrompts(files, ROUTELLM_REPO, CONTAMINATED);
    const { columns, rows } = parseCsvObjects(await files.read(requireEntry(files, ROUTELLM_REPO, RESPONSES)));
    const models = modelColumns(columns);
    const records: LabelledRecord[] = [];
    rows.forEach((row, index) => {
      const prompt = row.prompt ?? '';
      if (contaminated.has(prompt)) return;
      const scores: Record<string, number> = {};
      for (const model of models) scores[model] = parseBoolCell(row[model], `${RESPONSES} row ${index + 1} ${model}`) ? 1 : 0;
      records.push(makeRecord({
        id: `gsm8k/${index}`,
        prompt,
        scores,
        source: 'routellm-gsm8k',
        split: splitByHash(computePromptHash(prompt)),
      }));
    });
    return records;
  },
};
