// The normalised labelled-data format: one JSON object per line (JSONL), shared by the public
// sets Triage converts, by labels a user brings, and by labels exported from the decision log.
//
// Each line is one prompt and how well each model did on it:
//
//   {"id":"gsm8k/17","prompt":"Janet's ducks ...","scores":{"gpt-4-1106-preview":1,
//    "mistralai/Mixtral-8x7B-Instruct-v0.1":0},"source":"routellm-gsm8k","split":"train",
//    "promptHash":"3f9a..."}
//
// - id: unique within its source.
// - prompt: the text the router sees (for multi-turn sets, the first user turn).
// - turns: optional, every user turn in order (turns[0] === prompt).
// - scores: model name -> quality of that model's answer, higher is better, comparable within
//   one record. Correctness sets use 1/0; judge sets use the judge's score (MT-Bench: mean of
//   the two turns' GPT-4 scores, 1-10); preference battles use winner 1, loser 0, tie 0.5.
//   A record may score any number of models; a router pair needs both of its models scored.
// - source: which data set the record came from (e.g. "mt-bench", "my-labels").
// - split: "train" or "test". Test prompts never appear in training (checked by promptHash).
// - group: optional grouping used for splits and per-group reports (MMLU subject, category).
// - promptHash: sha256 hex of the normalised prompt (trimmed, whitespace runs collapsed to one
//   space, lower-cased); computePromptHash() below is the reference.
//
// - features: optional, the scorer's stored feature vector { layout, vector } (no text). Records
//   exported from the decision log carry it when prompts are not logged (prompt is then "" and
//   promptHash is the logged hash); `triage train` uses the vector as the record's input when its
//   layout id matches the features being trained on, and skips (and counts) records it cannot use.
//
// To train on your own labels, write such a file (e.g. training-data/my-labels.jsonl, scoring at
// least your strong and weak model on each prompt), check it with `triage data check FILE`, and
// use its file name (without .jsonl) as a training source; its test records are held out like
// any public test set.

import { normalisePrompt, promptHash } from '../../protocol/chat.ts';
import { z } from 'zod';

export const SPLITS = ['train', 'test'] as const;
export type Split = (typeof SPLITS)[number];

export const labelledRecordSchema = z.object({
  id: z.string().min(1),
  prompt: z.string(),
  turns: z.array(z.string()).optional(),
  scores: z.record(z.string(), z.number().finite()),
  source: z.string().min(1),
  split: z.enum(SPLITS),
  group: z.string().optional(),
  promptHash: z.string().regex(/^[0-9a-f]{64}$/),
  features: z
    .object({ layout: z.string().min(1), vector: z.array(z.number().finite()).min(1).max(65_536) })
    .optional(),
});

export type LabelledRecord = z.infer<typeof labelledRecordSchema>;

/** Normalisation and hash shared with the decision log (src/protocol/chat.ts). */
export { normalisePrompt };

/** sha256 hex of the normalised prompt: the identity used for splits and leak checks. */
export const computePromptHash = promptHash;

/** Build a record, filling in promptHash, and validate it. */
export function makeRecord(fields: Omit<LabelledRecord, 'promptHash'>): LabelledRecord {
  return labelledRecordSchema.parse({ ...fields, promptHash: computePromptHash(fields.prompt) });
}

/** True when both models are scored and the strong one scored strictly higher. */
export function strongBeatsWeak(record: Pick<LabelledRecord, 'scores'>, strong: string, weak: string): boolean {
  const strongScore = record.scores[strong];
  const weakScore = record.scores[weak];
  return strongScore !== undefined && weakScore !== undefined && strongScore > weakScore;
}

/** Records that score both models of a pair (the ones a router pair can learn from or be tested on). */
export function scoredForPair<T extends Pick<LabelledRecord, 'scores'>>(records: readonly T[], strong: string, weak: string): T[] {
  return records.filter((r) => r.scores[strong] !== undefined && r.scores[weak] !== undefined);
}
