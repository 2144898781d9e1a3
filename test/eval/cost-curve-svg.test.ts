// The cost curve SVG (calibrate and replay): well-formed, with the quality series (line, interval
// band, chosen point, right-hand axis) only when quality figures are given, and points placed on
// the axes by their values.

import { describe, expect, it } from 'vitest';
import { costCurveSvg } from '../../src/eval/svg.ts';
import { assertWellFormedXml } from './xml.ts';

const points = [0, 0.5, 1].map((strongShare) => ({ strongShare, costUsd: 1 + 9 * strongShare }));

describe('costCurveSvg', () => {
  it('draws cost only when no quality is given', () => {
    const svg = costCurveSvg({ title: 'A & B', points, chosen: { strongShare: 0.5, costUsd: 5.5 } });
    assertWellFormedXml(svg);
    expect(svg).toContain('class="curve"');
    expect(svg).not.toContain('class="quality"');
    expect(svg).not.toContain('quality-interval');
  });

  it('adds quality retained with its interval band and the chosen point', () => {
    const quality = {
      points: [
        { strongShare: 0, retained: 0.8, low: 0.75, high: 0.85 },
        { strongShare: 0.5, retained: 0.95, low: 0.92, high: 0.97 },
        { strongShare: 1, retained: 1, low: 1, high: 1 },
      ],
      chosen: { strongShare: 0.5, retained: 0.95 },
    };
    const svg = costCurveSvg({ title: 'replay', points, chosen: { strongShare: 0.5, costUsd: 5.5 }, quality });
    const { elements } = assertWellFormedXml(svg);
    expect(elements).toContain('polygon');
    const path = /<path class="quality" d="([^"]+)"/.exec(svg)?.[1] ?? '';
    const ys = [...path.matchAll(/[ML]([\d.]+),([\d.]+)/g)].map((m) => Number(m[2]));
    expect(ys).toHaveLength(3);
    // Higher quality is drawn higher (smaller y); 100% sits on the top of the plot.
    expect(ys[0]!).toBeGreaterThan(ys[1]!);
    expect(ys[1]!).toBeGreaterThan(ys[2]!);
    expect(ys[2]).toBe(50);
    expect(svg).toContain('quality retained: 95.0%');
    expect(svg).toContain('class="chosen-quality"');
    // The right-hand axis starts below the lowest interval bound (75%, rounded down to 60%).
    const axis = /<g class="quality-axis"[^>]*>([\s\S]*?)<\/g>/.exec(svg)?.[1] ?? '';
    expect([...axis.matchAll(/>(\d+)%</g)].map((m) => m[1])).toEqual(['60', '68', '76', '84', '92', '100']);
  });

  it('skips quality points that are not finite', () => {
    const svg = costCurveSvg({ title: 't', points, chosen: { strongShare: 0, costUsd: 1 }, quality: { points: [{ strongShare: 0, retained: Number.NaN, low: 0, high: 1 }] } });
    assertWellFormedXml(svg);
    expect(svg).not.toContain('class="quality"');
  });
});
