// The dashboard's static assets, all served by the gateway (never a CDN): uPlot's script and
// stylesheet from the installed npm package (read once from node_modules and kept in memory),
// the page script (client.ts) and the stylesheet below. Cached by the browser for an hour.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { dashboardScript } from './client.ts';

const STYLES = `
:root { font-family: system-ui, sans-serif; color: #111; background: #fafafa; }
body { margin: 0; }
header { display: flex; gap: 2rem; align-items: center; padding: .6rem 1.2rem; background: #1e293b; color: #fff; }
header nav a { color: #cbd5e1; margin-right: 1rem; text-decoration: none; }
header nav a[aria-current] { color: #fff; border-bottom: 2px solid #60a5fa; }
main { padding: 1rem 1.4rem; max-width: 1100px; }
h1 { font-size: 1.4rem; margin: .2rem 0 .8rem; }
h2 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
h3 { font-size: .95rem; margin: .8rem 0 .3rem; }
.filters { display: flex; flex-wrap: wrap; gap: .8rem; align-items: end; margin-bottom: .6rem; }
.filters label { font-size: .85rem; display: flex; flex-direction: column; gap: .15rem; }
.figures { display: flex; flex-wrap: wrap; gap: .6rem; }
.figure { background: #fff; border: 1px solid #e2e8f0; border-radius: 6px; padding: .5rem .8rem; min-width: 9rem; }
.figure .label { font-size: .75rem; color: #475569; }
.figure .value { font-size: 1.15rem; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; background: #fff; font-size: .82rem; margin-top: .3rem; }
th, td { border: 1px solid #e2e8f0; padding: .25rem .5rem; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.clickable { cursor: pointer; }
tr.clickable:hover { background: #eff6ff; }
td.empty { color: #64748b; font-style: italic; }
.chart { background: #fff; border: 1px solid #e2e8f0; border-radius: 6px; padding: .4rem; min-height: 60px; }
.slider { margin: .8rem 0; display: flex; gap: 1rem; align-items: center; }
.slider input { width: 420px; }
.actions { margin-top: .9rem; }
.actions button { padding: .35rem .8rem; }
.hint { color: #475569; font-size: .85rem; }
.error { color: #b91c1c; background: #fef2f2; border: 1px solid #fecaca; padding: .4rem .6rem; }
`;

export interface Asset {
  body: string;
  type: string;
}

let uplot: { js: string; css: string } | undefined;

function uplotFiles(): { js: string; css: string } {
  if (!uplot) {
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('uplot'));
    uplot = { js: readFileSync(join(dist, 'uPlot.iife.min.js'), 'utf8'), css: readFileSync(join(dist, 'uPlot.min.css'), 'utf8') };
  }
  return uplot;
}

let script: string | undefined;

/** The asset of that name, or undefined. */
export function asset(name: string): Asset | undefined {
  switch (name) {
    case 'uPlot.iife.min.js':
      return { body: uplotFiles().js, type: 'text/javascript; charset=utf-8' };
    case 'uPlot.min.css':
      return { body: uplotFiles().css, type: 'text/css; charset=utf-8' };
    case 'dashboard.js':
      script ??= dashboardScript();
      return { body: script, type: 'text/javascript; charset=utf-8' };
    case 'dashboard.css':
      return { body: STYLES, type: 'text/css; charset=utf-8' };
    default:
      return undefined;
  }
}
