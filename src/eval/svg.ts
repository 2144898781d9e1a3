// A standalone SVG image of one benchmark's cost-quality curves: strong-call share (x) against
// mean quality (y), gridlines, the weak and strong models' levels, the random-router diagonal,
// one <path class="curve"> per router and a legend. Written by hand, no library.

import type { BenchmarkResult } from './results.ts';

const WIDTH = 860;
const HEIGHT = 480;
const PLOT = { left: 70, right: 500, top: 50, bottom: 410 };
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#bcbd22'];

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function niceStep(range: number, targetTicks: number): number {
  const raw = range / targetTicks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / magnitude;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * magnitude;
}

function fmt(value: number): string {
  return Number(value.toFixed(2)).toString();
}

export function costQualitySvg(result: BenchmarkResult): string {
  const qualities = [result.weakMean, result.strongMean, ...result.results.flatMap((r) => r.curve.map((p) => p.quality))];
  const finite = qualities.filter(Number.isFinite);
  let low = Math.min(...finite);
  let high = Math.max(...finite);
  if (high - low < 1e-9) {
    low -= 0.5;
    high += 0.5;
  }
  const step = niceStep(high - low, 6);
  low = Math.floor(low / step) * step;
  high = Math.ceil(high / step) * step;
  const x = (share: number): number => PLOT.left + share * (PLOT.right - PLOT.left);
  const y = (quality: number): number => PLOT.bottom - ((quality - low) / (high - low)) * (PLOT.bottom - PLOT.top);
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`);
  out.push(`<text x="${(PLOT.left + PLOT.right) / 2}" y="28" text-anchor="middle" font-size="15">${escapeXml(`Cost vs quality: ${result.name} (${result.size} prompts)`)}</text>`);

  // Gridlines and tick labels.
  out.push('<g class="grid" stroke="#e0e0e0" stroke-width="1">');
  for (let k = 0; k <= 10; k++) out.push(`<line x1="${fmt(x(k / 10))}" y1="${PLOT.top}" x2="${fmt(x(k / 10))}" y2="${PLOT.bottom}"/>`);
  const yTicks: number[] = [];
  for (let v = low; v <= high + step / 2; v += step) yTicks.push(Number(v.toPrecision(10)));
  for (const v of yTicks) out.push(`<line x1="${PLOT.left}" y1="${fmt(y(v))}" x2="${PLOT.right}" y2="${fmt(y(v))}"/>`);
  out.push('</g>');
  out.push('<g class="ticks" fill="#333333">');
  for (let k = 0; k <= 10; k++) out.push(`<text x="${fmt(x(k / 10))}" y="${PLOT.bottom + 18}" text-anchor="middle">${k * 10}%</text>`);
  for (const v of yTicks) out.push(`<text x="${PLOT.left - 8}" y="${fmt(y(v) + 4)}" text-anchor="end">${escapeXml(Number(v.toPrecision(6)).toString())}</text>`);
  out.push('</g>');

  // Axes and labels.
  out.push(`<g class="axes" stroke="#333333" stroke-width="1.5"><line x1="${PLOT.left}" y1="${PLOT.bottom}" x2="${PLOT.right}" y2="${PLOT.bottom}"/><line x1="${PLOT.left}" y1="${PLOT.top}" x2="${PLOT.left}" y2="${PLOT.bottom}"/></g>`);
  out.push(`<text x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 42}" text-anchor="middle">Calls to the strong model (${escapeXml(result.strong)})</text>`);
  out.push(`<text x="18" y="${(PLOT.top + PLOT.bottom) / 2}" text-anchor="middle" transform="rotate(-90 18 ${(PLOT.top + PLOT.bottom) / 2})">Mean quality</text>`);

  // Reference levels and the random diagonal.
  out.push(`<line class="weak-level" x1="${PLOT.left}" y1="${fmt(y(result.weakMean))}" x2="${PLOT.right}" y2="${fmt(y(result.weakMean))}" stroke="#888888" stroke-dasharray="6 4"/>`);
  out.push(`<line class="strong-level" x1="${PLOT.left}" y1="${fmt(y(result.strongMean))}" x2="${PLOT.right}" y2="${fmt(y(result.strongMean))}" stroke="#c00000" stroke-dasharray="6 4"/>`);
  out.push(`<line class="random-diagonal" x1="${fmt(x(0))}" y1="${fmt(y(result.weakMean))}" x2="${fmt(x(1))}" y2="${fmt(y(result.strongMean))}" stroke="#555555" stroke-dasharray="2 3"/>`);

  // One path per router.
  const legend: Array<{ label: string; colour: string; dash?: string }> = [];
  result.results.forEach((r, index) => {
    const colour = r.kind === 'oracle' ? '#000000' : r.kind === 'random' ? '#999999' : PALETTE[index % PALETTE.length] ?? '#1f77b4';
    const d = r.curve.map((p, k) => `${k === 0 ? 'M' : 'L'}${fmt(x(p.strongShare))},${fmt(y(p.quality))}`).join(' ');
    out.push(`<path class="curve" data-router="${escapeXml(r.router)}" d="${d}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const p of r.curve) out.push(`<circle cx="${fmt(x(p.strongShare))}" cy="${fmt(y(p.quality))}" r="2.5" fill="${colour}"/>`);
    legend.push({ label: `${r.router} (APGR ${r.apgr.toFixed(3)})`, colour });
  });
  legend.push({ label: `random (expected)`, colour: '#555555', dash: '2 3' });
  legend.push({ label: `weak: ${result.weak}`, colour: '#888888', dash: '6 4' });
  legend.push({ label: `strong: ${result.strong}`, colour: '#c00000', dash: '6 4' });

  out.push('<g class="legend">');
  legend.forEach((item, k) => {
    const top = PLOT.top + 8 + k * 20;
    out.push(`<line x1="${PLOT.right + 15}" y1="${top}" x2="${PLOT.right + 40}" y2="${top}" stroke="${item.colour}" stroke-width="2"${item.dash ? ` stroke-dasharray="${item.dash}"` : ''}/>`);
    out.push(`<text x="${PLOT.right + 46}" y="${top + 4}" font-size="11">${escapeXml(item.label)}</text>`);
  });
  out.push('</g>');
  out.push('</svg>');
  return out.join('\n') + '\n';
}

export interface CostCurve {
  title: string;
  /** Strong share (x) against projected cost (y), sorted by share. */
  points: Array<{ strongShare: number; costUsd: number }>;
  chosen: { strongShare: number; costUsd: number };
  budgetUsd?: number;
  /** Quality retained (0..1) with its interval at the same shares, drawn on a right-hand axis. */
  quality?: { points: Array<{ strongShare: number; retained: number; low: number; high: number }>; chosen?: { strongShare: number; retained: number } };
}

/** The quality series of a cost curve: a band for the interval, a dashed line, and a right-hand axis. */
function qualitySeries(quality: NonNullable<CostCurve['quality']>, x: (share: number) => number): string[] {
  const points = quality.points.filter((p) => Number.isFinite(p.retained) && Number.isFinite(p.low) && Number.isFinite(p.high));
  if (points.length === 0) return [];
  const bottom = Math.max(0, Math.floor(Math.min(...points.map((p) => p.low)) * 10) / 10 - 0.1);
  const y = (q: number): number => PLOT.bottom - ((q - bottom) / (1 - bottom || 1)) * (PLOT.bottom - PLOT.top);
  const out: string[] = ['<g class="quality-axis" fill="#2ca02c">'];
  for (let k = 0; k <= 5; k++) {
    const q = bottom + ((1 - bottom) * k) / 5;
    out.push(`<text x="${PLOT.right + 6}" y="${fmt(y(q) + 4)}">${(q * 100).toFixed(0)}%</text>`);
  }
  out.push('</g>');
  const upper = points.map((p) => `${fmt(x(p.strongShare))},${fmt(y(p.high))}`);
  const lower = points.map((p) => `${fmt(x(p.strongShare))},${fmt(y(p.low))}`).reverse();
  out.push(`<polygon class="quality-interval" points="${[...upper, ...lower].join(' ')}" fill="#2ca02c" fill-opacity="0.15" stroke="none"/>`);
  const d = points.map((p, k) => `${k === 0 ? 'M' : 'L'}${fmt(x(p.strongShare))},${fmt(y(p.retained))}`).join(' ');
  out.push(`<path class="quality" d="${d}" fill="none" stroke="#2ca02c" stroke-width="2" stroke-dasharray="6 3"/>`);
  if (quality.chosen && Number.isFinite(quality.chosen.retained)) {
    out.push(`<circle class="chosen-quality" cx="${fmt(x(quality.chosen.strongShare))}" cy="${fmt(y(quality.chosen.retained))}" r="5" fill="#2ca02c"/>`);
    out.push(`<text x="${PLOT.right + 45}" y="${PLOT.top + 28}" font-size="11">quality retained: ${(quality.chosen.retained * 100).toFixed(1)}% (band: 95% interval)</text>`);
  }
  return out;
}

/** Projected cost against strong-call share, with the chosen operating point (and the budget) marked. */
export function costCurveSvg(curve: CostCurve): string {
  const costs = [...curve.points.map((p) => p.costUsd), curve.chosen.costUsd, curve.budgetUsd ?? 0].filter(Number.isFinite);
  const high = Math.max(1e-9, ...costs) * 1.05;
  const x = (share: number): number => PLOT.left + share * (PLOT.right - PLOT.left);
  const y = (cost: number): number => PLOT.bottom - (cost / high) * (PLOT.bottom - PLOT.top);
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`);
  out.push(`<text x="${(PLOT.left + PLOT.right) / 2}" y="28" text-anchor="middle" font-size="14">${escapeXml(curve.title)}</text>`);
  out.push('<g class="ticks" fill="#333333">');
  for (let k = 0; k <= 10; k++) out.push(`<text x="${fmt(x(k / 10))}" y="${PLOT.bottom + 18}" text-anchor="middle">${k * 10}%</text>`);
  for (let k = 0; k <= 5; k++) out.push(`<text x="${PLOT.left - 8}" y="${fmt(y((high * k) / 5) + 4)}" text-anchor="end">$${escapeXml(Number(((high * k) / 5).toPrecision(3)).toString())}</text>`);
  out.push('</g>');
  out.push(`<g class="axes" stroke="#333333" stroke-width="1.5"><line x1="${PLOT.left}" y1="${PLOT.bottom}" x2="${PLOT.right}" y2="${PLOT.bottom}"/><line x1="${PLOT.left}" y1="${PLOT.top}" x2="${PLOT.left}" y2="${PLOT.bottom}"/></g>`);
  out.push(`<text x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 42}" text-anchor="middle">Calls to the strong model</text>`);
  const d = curve.points.map((p, k) => `${k === 0 ? 'M' : 'L'}${fmt(x(p.strongShare))},${fmt(y(p.costUsd))}`).join(' ');
  out.push(`<path class="curve" d="${d}" fill="none" stroke="#1f77b4" stroke-width="2"/>`);
  if (curve.budgetUsd !== undefined) {
    out.push(`<line class="budget" x1="${PLOT.left}" y1="${fmt(y(curve.budgetUsd))}" x2="${PLOT.right}" y2="${fmt(y(curve.budgetUsd))}" stroke="#c00000" stroke-dasharray="6 4"/>`);
  }
  out.push(`<circle class="chosen" cx="${fmt(x(curve.chosen.strongShare))}" cy="${fmt(y(curve.chosen.costUsd))}" r="5" fill="#d62728"/>`);
  out.push(`<text x="${PLOT.right + (curve.quality ? 45 : 15)}" y="${PLOT.top + 12}" font-size="11">chosen: ${(curve.chosen.strongShare * 100).toFixed(1)}% strong, $${escapeXml(curve.chosen.costUsd.toFixed(2))}</text>`);
  if (curve.quality) out.push(...qualitySeries(curve.quality, x));
  out.push('</svg>');
  return out.join('\n') + '\n';
}
