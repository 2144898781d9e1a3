// Chatbot Arena human-preference battles, lmsys/lmsys-arena-human-preference-55k (the data
// RouteLLM trains on). Columns: id, model_a, model_b, prompt (JSON list of user turns),
// response_a, response_b, winner_model_a, winner_model_b, winner_tie.
// A battle has no absolute score per model, so scores are pairwise: winner 1, loser 0, tie 0.5
// each. Model names are mapped to the project's canonical spelling (Arena's
// "mixtral-8x7b-instruct-v0.1" becomes "mistralai/Mixtral-8x7B-Instruct-v0.1", see model-names.ts),
// so the source scores the same pair as the others. Split by a fixed hash of the normalised first turn.

import { computePromptHash, makeRecord, type LabelledRecord } from '../format.ts';
import { cellFlag, cellText } from '../hub-export.ts';
import { canonicalModelName } from '../model-names.ts';
import { splitByHash } from '../split.ts';
import type { HubSource } from './source.ts';

/** The user turns of an Arena prompt cell: a JSON list of strings, or plain text. */
export function arenaTurns(cell: unknown): string[] {
  if (Array.isArray(cell)) return cell.filter((t): t is string => typeof t === 'string');
  const text = cellText(cell);
  if (text.trimStart().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.filter((t): t is string => typeof t === 'string');
    } catch {
      // not JSON: fall through and keep the text as one turn
    }
  }
  return text ? [text] : [];
}

export const arenaBattles: HubSource = {
  kind: 'hub',
  name: 'arena-battles',
  dataset: 'lmsys/lmsys-arena-human-preference-55k',
  description: 'Chatbot Arena battles (55k), pairwise human preference: winner 1, loser 0, tie 0.5',
  splitRule: 'by a fixed hash of the normalised first turn (about 25% test)',
  convert(rows) {
    const records: LabelledRecord[] = [];
    rows.forEach((row, index) => {
      const modelA = canonicalModelName(cellText(row.model_a));
      const modelB = canonicalModelName(cellText(row.model_b));
      const turns = arenaTurns(row.prompt);
      const prompt = turns[0];
      if (!modelA || !modelB || modelA === modelB || prompt === undefined || prompt.trim() === '') return;
      const [aWins, bWins, tie] = [cellFlag(row.winner_model_a), cellFlag(row.winner_model_b), cellFlag(row.winner_tie)];
      if (Number(aWins) + Number(bWins) + Number(tie) !== 1) return;
      const scores = tie ? { [modelA]: 0.5, [modelB]: 0.5 } : { [modelA]: aWins ? 1 : 0, [modelB]: bWins ? 1 : 0 };
      records.push(makeRecord({
        id: `arena-battles/${cellText(row.id) || index}`,
        prompt,
        scores,
        source: 'arena-battles',
        split: splitByHash(computePromptHash(prompt)),
        ...(turns.length > 1 ? { turns } : {}),
      }));
    });
    return records;
  },
};
