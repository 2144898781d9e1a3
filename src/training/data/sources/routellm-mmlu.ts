// RouteLLM's MMLU responses: 57 subject CSVs, one True/False column per model.
// Contaminated prompts are removed (exact match, as RouteLLM's evaluator does); the split is by
// subject: the fixed list MMLU_TEST_SUBJECTS (chosen by chooseTestGroups, i.e. by a hash of the
// subject name, until >= 25% of prompts are held out).

import { parseBoolCell, parseCsvObjects } from '../csv.ts';
import { makeRecord, type LabelledRecord } from '../format.ts';
import { readContaminatedPrompts } from '../raw-files.ts';
import { ROUTELLM_REPO, type ManifestSource } from './source.ts';

const RESPONSES = /^routellm\/evals\/mmlu\/responses\/mmlu_(.+)\.csv$/;
const CONTAMINATED = 'routellm/evals/mmlu/contaminated_prompts.jsonl';

/** Test subjects: the output of chooseTestGroups over the decontaminated subject sizes (a test checks it). */
export const MMLU_TEST_SUBJECTS: readonly string[] = [
  'human_aging', 'jurisprudence', 'marketing', 'moral_disputes', 'moral_scenarios', 'prehistory', 'professional_law',
];

export function modelColumns(columns: readonly string[]): string[] {
  return columns.filter((c) => c !== 'prompt' && !c.endsWith('_response'));
}

export async function convertMmluSubjects(
  files: Parameters<ManifestSource['convert']>[0],
  testSubjects: ReadonlySet<string>,
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
        split: testSubjects.has(subject) ? 'test' : 'train',
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
  splitRule: 'by subject: a fixed list of subjects chosen by a hash of the subject name (>= 25% of prompts)',
  testOnly: false,
  selects: (e) => e.repo === ROUTELLM_REPO && (RESPONSES.test(e.path) || e.path === CONTAMINATED),
  convert: (files) => convertMmluSubjects(files, new Set(MMLU_TEST_SUBJECTS)),
};
