// Grouped k-fold assignment for cross-validation: every record of a group (MMLU subject, or the
// prompt itself when there is no group) lands in the same fold, and groups are spread over folds
// by a fixed hash so folds are reproducible and roughly balanced in size.

import { createHash } from 'node:crypto';

export interface FoldItem {
  /** Records sharing a key always share a fold. */
  groupKey: string;
}

function hashUnit(key: string): number {
  return createHash('sha256').update(`triage-cv-v1:${key}`, 'utf8').digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * Assigns fold 0..k-1 to each item. Groups are ordered by hash and dealt greedily to the
 * currently smallest fold (largest groups first), which keeps folds balanced even with few groups.
 */
export function assignGroupedFolds(items: readonly FoldItem[], k: number): number[] {
  if (k < 2) throw new Error('cross-validation needs at least 2 folds');
  const sizes = new Map<string, number>();
  for (const item of items) sizes.set(item.groupKey, (sizes.get(item.groupKey) ?? 0) + 1);
  const groups = [...sizes.entries()].sort((a, b) => b[1] - a[1] || hashUnit(a[0]) - hashUnit(b[0]) || a[0].localeCompare(b[0]));
  const foldSize = new Array<number>(k).fill(0);
  const foldOf = new Map<string, number>();
  for (const [name, size] of groups) {
    let target = 0;
    for (let f = 1; f < k; f++) if ((foldSize[f] ?? 0) < (foldSize[target] ?? 0)) target = f;
    foldOf.set(name, target);
    foldSize[target] = (foldSize[target] ?? 0) + size;
  }
  return items.map((item) => foldOf.get(item.groupKey) ?? 0);
}
