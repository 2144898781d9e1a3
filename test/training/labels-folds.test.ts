import { describe, expect, it } from 'vitest';
import { assignGroupedFolds } from '../../src/training/folds.ts';
import { detectScale, getLabelDefinition, labelFor, LABEL_DEFINITIONS } from '../../src/training/labels.ts';

describe('label definitions', () => {
  it('strict is RouteLLM: 1 only when strong is right and weak wrong', () => {
    const strict = getLabelDefinition('strict');
    expect([labelFor(strict, 'correctness', 1, 0), labelFor(strict, 'correctness', 0, 1), labelFor(strict, 'correctness', 1, 1), labelFor(strict, 'correctness', 0, 0)]).toEqual([1, 0, 0, 0]);
    expect(labelFor(strict, 'judge', 8, 7)).toBe(1);
    expect(labelFor(strict, 'judge', 7, 7)).toBe(0);
  });

  it('gap is the expected quality gain: ties 0.5, judge gap scaled by the 1-10 range', () => {
    const gap = getLabelDefinition('gap');
    expect([labelFor(gap, 'correctness', 1, 0), labelFor(gap, 'correctness', 0, 1), labelFor(gap, 'correctness', 1, 1), labelFor(gap, 'correctness', 0, 0)]).toEqual([1, 0, 0.5, 0.5]);
    expect(labelFor(gap, 'judge', 10, 1)).toBe(1);
    expect(labelFor(gap, 'judge', 1, 10)).toBe(0);
    expect(labelFor(gap, 'judge', 7, 7)).toBe(0.5);
    expect(labelFor(gap, 'judge', 8, 5.75)).toBeCloseTo(0.625, 10);
  });

  it('every definition maps into [0, 1] and is monotone in the strong score', () => {
    for (const definition of Object.values(LABEL_DEFINITIONS)) {
      for (const weak of [1, 4, 7, 10]) {
        let previous = -Infinity;
        for (let strong = 1; strong <= 10; strong += 0.5) {
          const y = labelFor(definition, 'judge', strong, weak);
          expect(y).toBeGreaterThanOrEqual(0);
          expect(y).toBeLessThanOrEqual(1);
          expect(y).toBeGreaterThanOrEqual(previous);
          previous = y;
        }
      }
    }
    expect(() => getLabelDefinition('nope')).toThrow(/unknown label definition "nope"/);
  });

  it('detects the scale per source: 0/1 scores are correctness, anything else is a judge', () => {
    expect(detectScale([[1, 0], [0, 0], [1, 1]])).toBe('correctness');
    // A judge set whose pair happens to score 1 and 1 somewhere is still a judge set.
    expect(detectScale([[1, 1], [9, 7]])).toBe('judge');
  });
});

describe('grouped folds', () => {
  it('keeps every group in one fold, balances sizes and is deterministic', () => {
    const items = [
      ...Array.from({ length: 300 }, (_, i) => ({ groupKey: `subject-${i % 12}` })),
      ...Array.from({ length: 200 }, (_, i) => ({ groupKey: `prompt-${i}` })),
    ];
    const folds = assignGroupedFolds(items, 5);
    expect(assignGroupedFolds(items, 5)).toEqual(folds);
    const foldOfGroup = new Map<string, number>();
    items.forEach((item, i) => {
      const seen = foldOfGroup.get(item.groupKey);
      if (seen !== undefined) expect(folds[i]).toBe(seen);
      foldOfGroup.set(item.groupKey, folds[i] ?? -1);
    });
    const sizes = [0, 1, 2, 3, 4].map((f) => folds.filter((x) => x === f).length);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(90);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(110);
    expect(() => assignGroupedFolds(items, 1)).toThrow();
  });
});
