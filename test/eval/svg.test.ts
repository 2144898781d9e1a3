import { describe, expect, it } from 'vitest';
import type { BenchmarkResult } from '../../src/eval/results.ts';
import { costQualitySvg, escapeXml } from '../../src/eval/svg.ts';
import { assertWellFormedXml } from './xml.ts';

const result: BenchmarkResult = {
  name: 'tiny <bench> & co',
  strong: 'gpt-4-1106-preview',
  weak: 'mistralai/Mixtral-8x7B-Instruct-v0.1',
  size: 4,
  skipped: 0,
  strongMean: 0.75,
  weakMean: 0.5,
  results: [
    { router: 'mlp "v1"', kind: 'router', apgr: 0.62, cpt50: 0.1, cpt80: 0.2, auc: 0.5, curve: [{ strongShare: 0, quality: 0.5 }, { strongShare: 0.5, quality: 0.7 }, { strongShare: 1, quality: 0.75 }] },
    { router: 'random (seed 0)', kind: 'random', apgr: 0.5, cpt50: 0.5, cpt80: 0.8, auc: 0.5, curve: [{ strongShare: 0, quality: 0.5 }, { strongShare: 1, quality: 0.75 }] },
    { router: 'oracle (hindsight)', kind: 'oracle', apgr: 1.3, cpt50: 0.05, cpt80: 0.1, auc: 1, curve: [{ strongShare: 0, quality: 0.5 }, { strongShare: 0.25, quality: 1 }, { strongShare: 1, quality: 0.75 }] },
  ],
};

describe('cost-quality SVG', () => {
  it('is well-formed XML with one path per router and the reference lines', () => {
    const svg = costQualitySvg(result);
    const { root, elements } = assertWellFormedXml(svg);
    expect(root).toBe('svg');
    expect(elements.filter((e) => e === 'path')).toHaveLength(3);
    expect(svg.match(/<path class="curve"/g)).toHaveLength(3);
    expect(svg).toContain('data-router="mlp &quot;v1&quot;"');
    expect(svg).toContain('tiny &lt;bench&gt; &amp; co');
    for (const cls of ['random-diagonal', 'weak-level', 'strong-level', 'grid', 'axes', 'legend']) expect(svg).toContain(`class="${cls}"`);
    expect(svg).toContain('>100%</text>');
  });

  it('the checker itself catches broken markup', () => {
    expect(() => assertWellFormedXml('<svg><g></svg>')).toThrow();
    expect(() => assertWellFormedXml('<svg a="1" a="2"/>')).toThrow(/duplicate/);
    expect(() => assertWellFormedXml('<svg>a & b</svg>')).toThrow(/entity/);
    expect(escapeXml(`<&"'>`)).toBe('&lt;&amp;&quot;&apos;&gt;');
  });

  it('copes with a flat benchmark (strong = weak)', () => {
    const flat = { ...result, strongMean: 0.5, weakMean: 0.5, results: [{ ...result.results[1]!, curve: [{ strongShare: 0, quality: 0.5 }, { strongShare: 1, quality: 0.5 }] }] };
    expect(() => assertWellFormedXml(costQualitySvg(flat))).not.toThrow();
    expect(costQualitySvg(flat)).not.toContain('NaN');
  });
});
