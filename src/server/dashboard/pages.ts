// The dashboard's pages, rendered on the server as plain HTML: a shared shell (navigation, styles,
// uPlot and the page script, all served by the gateway itself), and per view its filter form,
// prefilled from the query string, and the empty figures, tables and charts the page script fills
// from /dashboard/api. Every value put into the HTML is escaped.

export const VIEWS = ['overview', 'targets', 'curve', 'decisions', 'health', 'labels'] as const;
export type View = (typeof VIEWS)[number];


const TITLES: Record<View, string> = {
  overview: 'Overview',
  targets: 'Targets',
  curve: 'Curve',
  decisions: 'Decisions',
  health: 'Health',
  labels: 'Labels',
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);

type Query = Record<string, string | undefined>;

function input(q: Query, name: string, label: string, fallback = '', attrs = ''): string {
  const value = q[name] ?? fallback;
  return `<label>${escapeHtml(label)} <input name="${name}" value="${escapeHtml(value)}" ${attrs}></label>`;
}

function select(q: Query, name: string, label: string, options: readonly string[], fallback: string): string {
  const chosen = q[name] ?? fallback;
  const list = options.includes(chosen) ? options : [...options, chosen];
  const opts = list.map((o) => `<option value="${escapeHtml(o)}"${o === chosen ? ' selected' : ''}>${escapeHtml(o)}</option>`).join('');
  return `<label>${escapeHtml(label)} <select name="${name}">${opts}</select></label>`;
}

function figure(id: string, label: string): string {
  return `<div class="figure"><div class="label">${escapeHtml(label)}</div><div class="value" id="${id}" data-value="">…</div></div>`;
}

const form = (fields: string): string => `<form class="filters" method="get">${fields}<button type="submit">Show</button></form>`;
const spans = ['24h', '7d', '30d', '90d'];

function body(view: View, q: Query, routers: readonly string[]): string {
  switch (view) {
    case 'overview':
      return `${form(`${select(q, 'since', 'Since', spans, '7d')}${input(q, 'until', 'Until', '', 'placeholder="now"')}${select(q, 'by', 'Per', ['model', 'router', 'mode', 'task', 'day'], 'model')}${select(q, 'router', 'Router', ['', ...routers], '')}`)}
<section class="figures">${figure('sum-requests', 'Requests')}${figure('sum-tokens', 'Tokens')}${figure('sum-cost', 'Spend (USD)')}${figure('sum-all-strong', 'All on strong (USD)')}${figure('sum-saving', 'Saving (USD)')}${figure('sum-saving-pct', 'Saving')}${figure('sum-strong-share', 'Strong share')}</section>
<section><h2>Spend against all-strong per day</h2><div class="chart" id="chart-spend"></div></section>
<section><h2>Tokens and requests per day</h2><div class="chart" id="chart-tokens"></div></section>
<section><h2>Tokens per day per group</h2><div class="chart" id="chart-groups"></div></section>
<section><h2>Per group, most tokens first</h2><p class="hint" id="tag-hint"></p><table id="groups"><thead><tr><th>group</th><th>requests</th><th>strong share</th><th>tokens</th><th>cost USD</th><th>all-strong USD</th><th>saving</th></tr></thead><tbody></tbody></table></section>`;
    case 'targets':
      return `${form(`${select(q, 'since', 'Since', spans, '7d')}${select(q, 'router', 'Router', ['', ...routers], '')}`)}
<section><h2>Adherence</h2><table id="adherence"><thead><tr><th>router</th><th>target</th><th>requests</th><th>live share</th><th>recent share</th><th>target share</th><th>spent USD</th><th>plan USD</th><th>budget USD</th></tr></thead><tbody></tbody></table></section>
<section id="share-charts"><h2>Strong share against target per day</h2></section>
<section id="burn-charts"><h2>Budget burn-down against plan</h2></section>`;
    case 'curve':
      return `${form(`${select(q, 'router', 'Router', routers, routers[0] ?? 'default')}${input(q, 'window', 'Window', '7d', 'size="8"')}${select(q, 'period', 'Per', ['day', 'week', 'month'], 'month')}`)}
<section><h2>Cost per period against strong share</h2><p class="hint" id="curve-note"></p><div class="chart" id="chart-curve"></div></section>
<section class="slider"><label for="threshold">Threshold <output id="threshold-value"></output></label><input type="range" id="threshold" min="0" max="1" step="0.001" value="0.5"></section>
<section class="figures">${figure('proj-share', 'Projected strong share')}${figure('proj-cost', 'Cost over the window (USD)')}${figure('proj-period-cost', 'Cost per period (USD)')}${figure('proj-saving', 'Saving per period (USD)')}${figure('proj-saving-share', 'Saving')}${figure('proj-quality', 'Quality retained [95%]')}${figure('actual-share', 'Actual strong share')}</section>
<section class="actions"><button type="button" id="apply">Apply this threshold</button> <button type="button" id="rollback">Roll back</button> <span id="action-status" role="status"></span></section>
<section><h2>Calibrations</h2><table id="calibrations"><thead><tr><th>id</th><th>created</th><th>target</th><th>threshold</th><th>share</th><th>cost</th><th>state</th></tr></thead><tbody></tbody></table></section>
<section><h2>Audit</h2><table id="audit"><thead><tr><th>when</th><th>action</th><th>router</th><th>calibration</th><th>key</th><th>detail</th></tr></thead><tbody></tbody></table></section>`;
    case 'decisions':
      return `${form(`${select(q, 'since', 'Since', spans, '7d')}${select(q, 'router', 'Router', ['', ...routers], '')}${input(q, 'tag', 'Tag', '', 'placeholder="feature=chat" size="12"')}${input(q, 'mode', 'Mode', '', 'size="8"')}${input(q, 'reason', 'Reason', '', 'size="12"')}${input(q, 'model', 'Model', '', 'size="8"')}${input(q, 'status', 'Status', '', 'size="4"')}${input(q, 'limit', 'Rows', '100', 'size="4"')}`)}
<section><p class="hint" id="decisions-note"></p><table id="decisions"><thead><tr><th>time</th><th>router</th><th>mode</th><th>reason</th><th>score</th><th>threshold</th><th>tier</th><th>model</th><th>status</th><th>tokens</th><th>cost USD</th><th>latency ms</th><th>TTFB ms</th></tr></thead><tbody></tbody></table></section>
<section id="detail" hidden><h2>Decision <span id="detail-id"></span></h2><ul id="detail-explanation"></ul><table id="detail-fields"><tbody></tbody></table><h3>Outcomes</h3><table id="detail-outcomes"><thead><tr><th>when</th><th>source</th><th>rating</th><th>label</th></tr></thead><tbody></tbody></table></section>`;
    case 'health':
      return `${form(`${select(q, 'since', 'Since', spans, '24h')}`)}
<section class="figures">${figure('h-requests', 'Requests in window')}${figure('h-p50', 'Decision p50 (ms)')}${figure('h-p99', 'Decision p99 (ms)')}${figure('h-scorer-fallbacks', 'Scorer fallbacks')}${figure('h-fallbacks', 'Fallbacks used')}${figure('h-pending', 'Log rows pending')}${figure('h-dropped', 'Log rows dropped')}${figure('h-write-failures', 'Log write failures')}</section>
<section><h2>Upstream errors per provider</h2><table id="upstream-errors"><thead><tr><th>provider</th><th>errors</th><th>requests</th></tr></thead><tbody></tbody></table></section>
<section><h2>Circuits</h2><table id="circuits"><thead><tr><th>provider</th><th>state</th><th>consecutive failures</th><th>times opened</th></tr></thead><tbody></tbody></table></section>`;
    case 'labels':
      return `${form(`${select(q, 'since', 'Since', spans, '30d')}`)}
<section><h2>Labels per source per day</h2><div class="chart" id="chart-labels"></div><table id="outcomes"><thead><tr><th>day</th><th>source</th><th>labels</th><th>mean rating</th></tr></thead><tbody></tbody></table></section>
<section><h2>Shadow labels</h2><p class="hint" id="shadow-note"></p><table id="shadow"><thead><tr><th>day</th><th>verdict</th><th>labels</th></tr></thead><tbody></tbody></table></section>
<section><h2>Model gate: last verdicts</h2><p class="hint" id="gate-note"></p><table id="gate"><thead></thead><tbody></tbody></table></section>`;
  }
}

/** One view's page. `query` is the page's own query string (only known fields are read). */
export function renderPage(view: View, query: Query, routers: readonly string[]): string {
  const nav = VIEWS.map((v) => `<a href="/dashboard/${v}"${v === view ? ' aria-current="page"' : ''}>${TITLES[v]}</a>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Triage · ${TITLES[view]}</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/assets/uPlot.min.css"><link rel="stylesheet" href="/dashboard/assets/dashboard.css">
</head><body data-view="${view}">
<header><strong>Triage</strong><nav>${nav}</nav></header>
<main><h1>${TITLES[view]}</h1><p class="error" id="error" hidden></p>
${body(view, query, routers)}
</main>
<script src="/dashboard/assets/uPlot.iife.min.js"></script><script src="/dashboard/assets/dashboard.js"></script>
</body></html>`;
}
