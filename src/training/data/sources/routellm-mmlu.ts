// RouteLLM's MMLU responses: 57 subject CSVs, one True/False column per model.
// Contaminated prompts are removed (exact match, as RouteLLM's evaluator does).
// Split (RouteLLM's protocol: its MMLU router was trained on MMLU-validation labels of the SAME
// 57 subjects as its test set): within every subject, a prompt is "test" when the fixed hash of
// its normalised prompt falls below TEST_FRACTION (splitByHash(promptHash), about 25%), so every
// subject appears in both splits and identical prompts always share a split. Generalisation to
// UNSEEN subjects is reported separately by subject-grouped cross-validation on the train split
// (each record keeps its subject as `group`).

import { parseBoolCell, parseCsvObjects } from '../csv.ts';
import { computePromptHash, makeRecord, type LabelledRecord } from '../format.ts';
import { readContaminatedPrompts } from '../raw-files.ts';
import { splitByHash } from '../split.ts';
import { ROUTELLM_REPO, type ManifestSource } from './source.ts';

const RESPONSES = /^routellm\/evals\/mmlu\/responses\/mmlu_(.+)\.csv$/;
const CONTAMINATED = 'routellm/evals/mmlu/contaminated_prompts.jsonl';

export function modelColumns(columns: readonly string[]): string[] {
  return columns.filter((c) => c !== 'prompt' && !c.endsWith('_response'));
}

export async function convertMmluSubjects(
  files: Parameters<ManifestSource['convert']>[0],
): Promise<LabelledRecord[]> {
  const contaminated = await readContaminatedPrompts(files, ROUTELLM_REPO, CONTAMINATED);
  const records: LabelledRecord[] = [];
  const subjectFiles = files.entries
    .filter((e) => e.repo === ROUTELLM_REPO && RESPONSES.test(e.path))
    .sort((a, b) => a.path.localeCompare(b.path));
  for (const entry of subjectFiles) {
    const subject = RESPONSES.exec(entry.path)?.[1] ?? entry.path;
    const { columns, rows } = parseCsvObjects(await files.read(entry));
    const models = modelColumns(columns);
    rows.forEach((row, index) => {
      const prompt = row.prompt ?? '';
      if (contaminated.has(prompt)) return;
      const scores: Record<string, number> = {};
      for (const model of models) scores[model] = parseBoolCell(row[model], `${entry.path} row ${index + 1} ${model}`) ? 1 : 0;
      records.push(makeRecord({
        id: `mmlu/${subject}/${index}`,
        prompt,
        scores,
        source: 'routellm-mmlu',
        split: splitByHash(computePromptHash(prompt)),
        group: subject,
      }));
    });
  }
  return records;
}

export const routellmMmlu: ManifestSource = {
  kind: 'manifest',
  name: 'routellm-mmlu',
  description: 'MMLU (57 subjects), correctness 1/0 of GPT-4-1106 and Mixtral-8x7B, from RouteLLM',
  splitRule: 'within every subject, by a fixed hash of the normalised prompt (about 25% test; RouteLLM protocol: same subjects in train and test)',
  testOnly: false,
  selects: (e) => e.repo === ROUTELLM_REPO && (RESPONSES.test(e.path) || e.path === CONTAMINATED),
  convert: (files) => convertMmluSubjects(files),
};
