// The shipped model carries reference quantiles, and the learned scorer reports the prompt's rank
// among them (raw score kept in details), so thresholds read as traffic shares.

import { expect, it } from 'vitest';
import { createLearnedScorer } from '../../src/scoring/learned.ts';
import { createQuantileMap } from '../../src/scoring/learned/quantile-map.ts';

it('maps the raw ONNX score through the stored reference quantiles', async () => {
  const scorer = await createLearnedScorer();
  try {
    const calibration = scorer.meta.calibration;
    expect(calibration?.quantiles).toHaveLength(101);
    const map = createQuantileMap(calibration!.quantiles);
    const prompts = ['hi', 'Prove that there are infinitely many primes.', 'Translate "good morning" into French.', 'Refactor this Go code to use generics: func Max(a, b int) int { if a > b { return a }; return b }'];
    const raws: number[] = [];
    for (const content of prompts) {
      const result = await scorer.score({ model: 'triage', messages: [{ role: 'user', content }] });
      const raw = result.details?.['raw_score'];
      expect(typeof raw).toBe('number');
      expect(result.score).toBeCloseTo(map(raw as number), 12);
      raws.push(raw as number);
    }
    // The quantiles bracket real raw scores: they are not all crushed to one end.
    const mapped = raws.map(map);
    expect(Math.max(...mapped) - Math.min(...mapped)).toBeGreaterThan(0.05);
  } finally {
    await scorer.close();
  }
});
