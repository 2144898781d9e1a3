// The sign guard of the variant selection rule: per-source feature effects with bootstrap
// intervals, the detection of features whose effect flips sign credibly between sources, and the
// variant that leaves them out. Pure functions on small sets built here with known answers.
import { describe, expect, it } from 'vitest';
import { makeRecord } from '../../src/training/data/format.ts';
import type { Example } from '../../src/training/examples.ts';
import {
  correlation, guardBySignCheck, guardVariant, signCheckMarkdown, signFlips, sourceEffects, structuralEffects, type FeatureEffect,
} from '../../src/training/sign-check.ts';
import { createGaussian, createRandom } from '../../src/training/trainers/matrix.ts';
import { variantColumns, type Variant } from '../../src/training/variant.ts';
import type { FeatureLayout } from '../../src/scoring/features/extractor.ts';

const STRUCTURAL: Variant = { trainer: 'logistic', logistic: { l2: 1e-3 }, label: 'gap', weighting: 'sources', groups: { embedding: false, structural: true, taskTypes: false } };

function effect(feature: string, source: string, estimate: number, low: number, high: number): FeatureEffect {
  return { feature, source, estimate, low, high, records: 100 };
}

describe('correlation', () => {
  it('is 1 / -1 on exact lines and 0 when a side is constant', () => {
    const rows = [0, 1, 2, 3];
    expect(correlation([1, 2, 3, 4], [2, 4, 6, 8], rows)).toBeCloseTo(1, 12);
    expect(correlation([1, 2, 3, 4], [8, 6, 4, 2], rows)).toBeCloseTo(-1, 12);
    expect(correlation([1, 1, 1, 1], [8, 6, 4, 2], rows)).toBe(0);
    expect(correlation([1, 2, 3, 4], [0.5, 0.5, 0.5, 0.5], rows)).toBe(0);
  });
  it('reads only the given rows (a bootstrap draw may repeat rows)', () => {
    expect(correlation([1, 2, 3, 100], [1, 2, 3, -100], [0, 1, 2, 2])).toBeCloseTo(1, 12);
  });
});

describe('sourceEffects', () => {
  const gaussian = createGaussian(createRandom(3));
  const n = 400;
  const signal = Float64Array.from({ length: n }, () => gaussian());
  const noise = Float64Array.from({ length: n }, () => gaussian());
  const label = Float64Array.from(signal, (s) => s + gaussian());

  it('gives an interval above 0 for a real effect and one around 0 for noise, reproducibly', () => {
    const effects = sourceEffects('a', [{ feature: 'signal', values: signal }, { feature: 'noise', values: noise }], label, { resamples: 300, seed: 7 });
    const [s, z] = effects;
    expect(s?.estimate).toBeGreaterThan(0.5);
    expect(s?.low).toBeGreaterThan(0.5);
    expect(s?.low).toBeLessThan(s?.estimate ?? 0);
    expect(s?.high).toBeGreaterThan(s?.estimate ?? 1);
    expect(z?.low).toBeLessThan(0);
    expect(z?.high).toBeGreaterThan(0);
    expect(sourceEffects('a', [{ feature: 'signal', values: signal }], label, { resamples: 300, seed: 7 })[0]).toEqual(s);
  });
  it('rejects a column whose length differs from the label', () => {
    expect(() => sourceEffects('a', [{ feature: 'short', values: [1, 2] }], label)).toThrow(/short/);
  });
});

describe('signFlips', () => {
  it('flags a feature credibly positive in one source and credibly negative in another', () => {
    const flips = signFlips([effect('len', 'mmlu', 0.08, 0.05, 0.1), effect('len', 'arena', -0.2, -0.35, -0.09), effect('len', 'gsm8k', 0.12, 0.05, 0.19)]);
    expect(flips.map((f) => f.feature)).toEqual(['len']);
    expect(flips[0]?.positive.source).toBe('gsm8k');
    expect(flips[0]?.negative.source).toBe('arena');
  });
  it('does not flag a feature whose opposite estimate has an interval that includes 0, or that has one sign everywhere', () => {
    expect(signFlips([effect('len', 'mmlu', 0.08, 0.05, 0.1), effect('len', 'arena', -0.2, -0.4, 0.01)])).toEqual([]);
    expect(signFlips([effect('math', 'mmlu', -0.05, -0.08, -0.03), effect('math', 'gsm8k', -0.15, -0.2, -0.08)])).toEqual([]);
    expect(signFlips([effect('zero', 'mmlu', 0, 0, 0), effect('zero', 'gsm8k', 0, 0, 0)])).toEqual([]);
  });
});

describe('guardVariant', () => {
  it('drops the flipping features from a structural variant, keeping its own drops once', () => {
    const guarded = guardVariant({ ...STRUCTURAL, dropFeatures: ['url'] }, ['last_user_log_chars', 'url']);
    expect(guarded.dropFeatures).toEqual(['url', 'last_user_log_chars']);
  });
  it('leaves a variant without the structural group, or with nothing to drop, unchanged', () => {
    const embeddingOnly: Variant = { ...STRUCTURAL, groups: { embedding: true, structural: false, taskTypes: false } };
    expect(guardVariant(embeddingOnly, ['last_user_log_chars'])).toBe(embeddingOnly);
    expect(guardVariant(STRUCTURAL, [])).toBe(STRUCTURAL);
  });
});

describe('guardBySignCheck on training data', () => {
  // Two sources: "length" raises the label in one and lowers it in the other; "task" raises it in both.
  const layout: FeatureLayout = { version: 1, embedderId: 'none', embeddingDim: 0, structural: ['length', 'task'], taskTypes: [], size: 2, shaping: {} as FeatureLayout['shaping'] };
  const random = createRandom(11);
  const examples: Example[] = [];
  const rows: number[][] = [];
  for (const [source, direction] of [['long-is-hard', 1], ['long-is-easy', -1]] as const) {
    for (let i = 0; i < 300; i++) {
      const length = random();
      const task = random();
      const hard = random() < 0.5 + 0.3 * direction * (length - 0.5) + 0.3 * (task - 0.5);
      const scores = hard ? { big: 1, small: 0 } : { big: 1, small: 1 };
      const record = makeRecord({ id: `${source}/${i}`, prompt: `p ${source} ${i}`, scores, source, split: 'train' });
      examples.push({ record, source, scale: 'correctness', strong: 1, weak: scores.small, pairStrong: 'big', pairWeak: 'small', groupKey: `${source}/prompt/${record.promptHash}` });
      rows.push([length, task]);
    }
  }
  const data = { x: { rows: rows.length, cols: 2, data: Float64Array.from(rows.flat()) }, layout, examples };

  it('drops the feature that flips and keeps the one that does not', () => {
    const result = guardBySignCheck(data, STRUCTURAL, { resamples: 200 });
    expect(result.flips.map((f) => f.feature)).toEqual(['length']);
    expect(result.dropped).toEqual(['length']);
    expect(variantColumns(layout, result.variant)).toEqual([1]);
    expect(signCheckMarkdown(structuralEffects(data, 'gap', { resamples: 200 }))).toMatch(/\| length \|.*\*\*yes\*\* \|/);
  });
  it('reuses a cached measurement for the same label', () => {
    const effectsCache = new Map<string, FeatureEffect[]>([['gap', [effect('task', 'a', 0.1, 0.05, 0.2), effect('task', 'b', -0.1, -0.2, -0.05)]]]);
    expect(guardBySignCheck(data, STRUCTURAL, { effectsCache }).dropped).toEqual(['task']);
  });
});
