// Variant options that shape what a scorer learns: dropped features (and the model widening that
// exports them with weight 0), multi-pair labels for multi-model sources, per-source offsets, and
// CV folds by prompt versus by group (unseen MMLU subjects).
import { describe, expect, it } from 'vitest';
import { crossValidate } from '../../src/training/cv.ts';
import { makeRecord } from '../../src/training/data/format.ts';
import type { Example } from '../../src/training/examples.ts';
import { getLabelDefinition, labelFor } from '../../src/training/labels.ts';
import { separatedPairs, withMultiPairLabels } from '../../src/training/multi-pair.ts';
import { expandModel } from '../../src/training/trainers/expand.ts';
import { createGaussian, createRandom, selectColumns } from '../../src/training/trainers/matrix.ts';
import { trainMlp } from '../../src/training/trainers/mlp.ts';
import { forwardMatrix, forwardOne, type LinearScorerModel } from '../../src/training/trainers/model.ts';
import { fitVariant, variantColumns, variantInputs, type PreparedData, type Variant } from '../../src/training/variant.ts';
import type { FeatureLayout } from '../../src/scoring/features/extractor.ts';
import { linearSet } from './synthetic.ts';

const STRONG = 'big';
const WEAK = 'small';

function layoutOf(structural: string[]): FeatureLayout {
  return { version: 1, embedderId: 'none', embeddingDim: 0, structural, taskTypes: [], size: structural.length, shaping: {} as FeatureLayout['shaping'] };
}

function example(id: string, source: string, scores: Record<string, number>, group?: string): Example {
  const record = makeRecord({ id, prompt: `prompt ${id}`, scores, source, split: 'train', ...(group ? { group } : {}) });
  const judge = Object.values(scores).some((s) => s !== 0 && s !== 1);
  return {
    record,
    source,
    scale: judge ? 'judge' : 'correctness',
    strong: scores[STRONG] ?? 0,
    weak: scores[WEAK] ?? 0,
    pairStrong: STRONG,
    pairWeak: WEAK,
    groupKey: group ? `${source}/group/${group}` : `${source}/prompt/${record.promptHash}`,
  };
}

const LOGISTIC: Variant = { trainer: 'logistic', logistic: { l2: 1e-3 }, label: 'gap', weighting: 'records', groups: { embedding: false, structural: true, taskTypes: false } };

describe('dropped features', () => {
  it('are left out of the training columns, and unknown names are refused', () => {
    const layout = layoutOf(['a', 'b', 'c']);
    expect(variantColumns(layout, LOGISTIC)).toEqual([0, 1, 2]);
    expect(variantColumns(layout, { ...LOGISTIC, dropFeatures: ['b'] })).toEqual([0, 2]);
    expect(() => variantColumns(layout, { ...LOGISTIC, dropFeatures: ['zzz'] })).toThrow(/unknown structural feature/);
  });

  it('a widened linear or MLP model reads the full vector, gives the same scores and ignores dropped columns', () => {
    const set = linearSet(300, 4, 7);
    const kept = [0, 1, 3];
    const narrow = selectColumns(set.x, kept);
    const linear: LinearScorerModel = fitVariant(
      { x: narrow, layout: layoutOf(['a', 'b', 'd']), examples: [] },
      { x: narrow, y: set.y, weight: set.weight },
      { ...LOGISTIC, weighting: 'records' },
      Array.from({ length: 300 }, (_, i) => i),
    ) as LinearScorerModel;
    const mlp = trainMlp({ x: narrow, y: set.y, weight: set.weight }, { hidden: 4, seed: 3, maxEpochs: 5 });
    for (const model of [linear, mlp]) {
      const wide = expandModel(model, kept, 4);
      expect(wide.inputDim).toBe(4);
      const a = forwardMatrix(model, narrow);
      const b = forwardMatrix(wide, set.x);
      for (let i = 0; i < 300; i++) expect(b[i]).toBeCloseTo(a[i] ?? 0, 10);
      const row = Array.from(set.x.data.subarray(0, 4));
      const moved = [...row];
      moved[2] = (moved[2] ?? 0) + 1000;
      expect(forwardOne(wide, moved)).toBeCloseTo(forwardOne(wide, row), 12);
    }
  });
});

describe('multi-pair labels', () => {
  it('label a multi-model record by the mean label over clearly separated pairs, other sources unchanged', () => {
    const gap = getLabelDefinition('gap');
    // Model means: big 9, mid 6.5, small 4 -> separated pairs (gap >= 1.5): big>mid, big>small, mid>small.
    const examples = [
      example('a1', 'arena', { [STRONG]: 9, mid: 8, [WEAK]: 3 }),
      example('a2', 'arena', { [STRONG]: 9, mid: 5, [WEAK]: 5 }),
      example('m1', 'mmlu', { [STRONG]: 1, [WEAK]: 0 }),
    ];
    expect(separatedPairs(examples, [0, 1]).map((p) => `${p.strong}>${p.weak}`)).toEqual([`${STRONG}>mid`, `${STRONG}>${WEAK}`, `mid>${WEAK}`]);
    const base = Float64Array.from(examples, (e) => labelFor(gap, e.scale, e.strong, e.weak));
    const out = withMultiPairLabels(examples, base, gap);
    const expectedA1 = (labelFor(gap, 'judge', 9, 8) + labelFor(gap, 'judge', 9, 3) + labelFor(gap, 'judge', 8, 3)) / 3;
    expect(out[0]).toBeCloseTo(expectedA1, 12);
    expect(out[0]).not.toBeCloseTo(base[0] ?? 0, 3);
    expect(out[2]).toBe(base[2]);
  });
});

/** Two sources with different base rates; feature 0 marks the source only, feature 1 carries the within-source signal. */
function twoSourceData(): PreparedData {
  const gaussian = createGaussian(createRandom(11));
  const random = createRandom(12);
  const examples: Example[] = [];
  const rows: number[][] = [];
  for (let i = 0; i < 600; i++) {
    const source = i % 2 === 0 ? 'easy' : 'hard';
    const signal = gaussian();
    const p = 1 / (1 + Math.exp(-(2 * signal + (source === 'hard' ? 2 : -2))));
    const strongOnly = random() < p;
    examples.push(example(`${source}${i}`, source, { [STRONG]: 1, [WEAK]: strongOnly ? 0 : 1 }));
    rows.push([source === 'hard' ? 1 + 0.1 * gaussian() : 0.1 * gaussian(), signal]);
  }
  return { x: { rows: 600, cols: 2, data: Float64Array.from(rows.flat()) }, layout: layoutOf(['source_marker', 'signal']), examples };
}

describe('per-source offsets', () => {
  it('leave the base-rate difference to the dropped intercepts instead of a feature that only marks the source', () => {
    const data = twoSourceData();
    const all = data.examples.map((_, i) => i);
    const pooled = fitVariant(data, variantInputs(data, LOGISTIC), LOGISTIC, all) as LinearScorerModel;
    const offsetVariant = { ...LOGISTIC, sourceOffsets: true };
    const offsets = fitVariant(data, variantInputs(data, offsetVariant), offsetVariant, all) as LinearScorerModel;
    expect(offsets.inputDim).toBe(2);
    expect(Math.abs(pooled.weights[0] ?? 0)).toBeGreaterThan(0.5);
    expect(Math.abs(offsets.weights[0] ?? 0)).toBeLessThan(0.25 * Math.abs(pooled.weights[0] ?? 0));
    expect(offsets.weights[1] ?? 0).toBeGreaterThan(0.5);
  });
});

describe('CV folds by prompt and by group', () => {
  it('a group-specific pattern is found by prompt folds and not in unseen groups', () => {
    // One-hot group features; whether the strong model wins depends on the group only.
    const groups = 8;
    const examples: Example[] = [];
    const data: number[] = [];
    for (let i = 0; i < 400; i++) {
      const g = i % groups;
      examples.push(example(`g${i}`, 'mmlu', { [STRONG]: 1, [WEAK]: g % 2 === 0 ? 0 : 1 }, `subject${g}`));
      for (let j = 0; j < groups; j++) data.push(j === g ? 1 : 0);
    }
    const prepared: PreparedData = { x: { rows: 400, cols: groups, data: Float64Array.from(data) }, layout: layoutOf(Array.from({ length: groups }, (_, j) => `s${j}`)), examples };
    const byPrompt = crossValidate(prepared, LOGISTIC, 4, 'prompt').perSource['mmlu']?.apgr ?? 0;
    const byGroup = crossValidate(prepared, LOGISTIC, 4, 'group').perSource['mmlu']?.apgr ?? 1;
    expect(byPrompt).toBeGreaterThan(0.7);
    expect(byGroup).toBeLessThan(0.6);
  });
});
