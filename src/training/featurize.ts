// Turns training records into feature rows with the project's feature extractor (all feature
// groups on; ablations select columns afterwards), in chunks, with a progress bar.

import type { FeatureExtractor, FeatureLayout } from '../scoring/features/extractor.ts';
import type { Matrix } from './trainers/matrix.ts';
import { createProgress } from './progress.ts';

export interface FeatureGroups {
  embedding: boolean;
  structural: boolean;
  taskTypes: boolean;
}

export const ALL_GROUPS: Readonly<FeatureGroups> = Object.freeze({ embedding: true, structural: true, taskTypes: true });

export interface Featurized {
  x: Matrix;
  taskTypes: string[];
}

export async function featurizePrompts(
  extractor: FeatureExtractor,
  prompts: readonly string[],
  options: { label?: string; chunk?: number; progress?: boolean } = {},
): Promise<Featurized> {
  const width = extractor.layout.size;
  const data = new Float64Array(prompts.length * width);
  const taskTypes: string[] = [];
  const chunk = options.chunk ?? 128;
  const progress = createProgress(options.label ?? 'features', prompts.length, { enabled: options.progress ?? true });
  for (let start = 0; start < prompts.length; start += chunk) {
    const batch = prompts.slice(start, start + chunk);
    const features = await extractor.extractPrompts(batch);
    features.forEach((f, i) => {
      data.set(f.vector, (start + i) * width);
      taskTypes.push(f.taskType);
    });
    progress.tick(batch.length);
  }
  progress.finish();
  return { x: { rows: prompts.length, cols: width, data }, taskTypes };
}

/** Columns of a full layout (all groups on) that a layout with only `groups` on keeps, in order. */
export function groupColumns(full: FeatureLayout, groups: FeatureGroups): number[] {
  const columns: number[] = [];
  let offset = 0;
  const take = (on: boolean, size: number) => {
    if (on) for (let j = 0; j < size; j++) columns.push(offset + j);
    offset += size;
  };
  take(groups.embedding, full.embeddingDim);
  take(groups.structural, full.structural.length);
  take(groups.taskTypes, full.taskTypes.length);
  if (offset !== full.size) throw new Error(`layout groups add up to ${offset}, layout size is ${full.size}`);
  return columns;
}

export function describeGroups(groups: FeatureGroups): string {
  const on = (['embedding', 'structural', 'taskTypes'] as const).filter((g) => groups[g]);
  return on.length === 3 ? 'all' : on.join('+') || 'none';
}

/** A record's input: its stored feature vector when laid out as `layoutId`, else its prompt text. */
export interface RecordInput {
  prompt: string;
  features?: { layout: string; vector: readonly number[] };
}

/** True when a record can be featurized for this layout: a matching stored vector or a prompt. */
export function hasUsableInput(record: RecordInput, layoutId: string, size: number): boolean {
  return (record.features?.layout === layoutId && record.features.vector.length === size) || record.prompt.trim() !== '';
}

/**
 * Feature rows for records: a stored vector with the extractor's layout id is used as it is (it is
 * exactly what the gateway scored); other records are featurized from their prompt. Every record
 * must pass hasUsableInput() (filter first).
 */
export async function featurizeRecords(
  extractor: FeatureExtractor,
  layoutId: string,
  records: readonly RecordInput[],
  options: { label?: string; progress?: boolean } = {},
): Promise<Matrix> {
  const width = extractor.layout.size;
  const fromPrompt: number[] = [];
  const data = new Float64Array(records.length * width);
  records.forEach((r, i) => {
    if (r.features?.layout === layoutId && r.features.vector.length === width) data.set(r.features.vector, i * width);
    else if (r.prompt.trim() !== '') fromPrompt.push(i);
    else throw new Error(`record #${i} has neither a prompt nor a feature vector of layout ${layoutId}`);
  });
  if (fromPrompt.length > 0) {
    const { x } = await featurizePrompts(extractor, fromPrompt.map((i) => records[i]?.prompt ?? ''), options);
    fromPrompt.forEach((row, k) => data.set(x.data.subarray(k * width, (k + 1) * width), row * width));
  }
  return { rows: records.length, cols: width, data };
}
