// Class weighting for soft labels: each sample's loss is split into its positive part (weight y)
// and negative part (weight 1 - y), and each part is scaled by its class weight.

export type ClassWeighting = 'none' | 'balanced' | { positive: number; negative: number };

export interface ClassWeights {
  positive: number;
  negative: number;
}

/** 'balanced' makes both classes carry half of the total sample weight. */
export function resolveClassWeights(y: Float64Array, weight: Float64Array, mode: ClassWeighting): ClassWeights {
  if (mode === 'none') return { positive: 1, negative: 1 };
  if (mode !== 'balanced') return mode;
  let pos = 0;
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    pos += (weight[i] ?? 1) * (y[i] ?? 0);
    total += weight[i] ?? 1;
  }
  const share = total > 0 ? pos / total : 0.5;
  if (share <= 0 || share >= 1) return { positive: 1, negative: 1 };
  return { positive: 0.5 / share, negative: 0.5 / (1 - share) };
}
