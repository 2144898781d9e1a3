// The dashboard's page script, written as one self-contained function that the gateway serves as
// /dashboard/assets/dashboard.js (its source text, called at once). It runs in the browser: it
// reads the page's filter form, fetches /dashboard/api with the same query, and fills in figures
// (each with its raw number in data-value), tables (built with textContent, never HTML) and uPlot
// charts. The Curve view's slider asks the API for the projection at its threshold; "apply" and
// "roll back" POST JSON with the dashboard's CSRF header. It imports nothing at run time.

import type UPlot from 'uplot';

declare const uPlot: typeof UPlot;

export function dashboardClient(): void {
  type Json = unknown;
  type Cell = string | number | null | undefined;
  const CSRF = 'x-triage-dashboard';
  const view = document.body.dataset['view'] ?? 'overview';
  const params = new URLSearchParams(location.search);

  const $ = (id: string): HTMLElement => {
    const el = document.getElementById(id);
    if (!el) throw new Error(`missing #${id}`);
    return el;
  };
  const obj = (v: Json): Record<string, Json> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v)) : {});
  const arr = (v: Json): Json[] => (Array.isArray(v) ? v : []);
  const num = (v: Json): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const str = (v: Json): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
  const fmt = (v: number | null, digits: number): string => (v === null ? '-' : v.toFixed(digits));
  const pct = (v: number | null, digits = 1): string => (v === null ? '-' : `${(v * 100).toFixed(digits)}%`);
  const usd = (v: number | null): string => fmt(v, 6);

  function showError(message: string): void {
    const el = $('error');
    el.textContent = message;
    el.hidden = false;
  }

  function setFigure(id: string, value: number | null, text: string): void {
    const el = $(id);
    el.dataset['value'] = value === null ? '' : String(value);
    el.textContent = text;
  }

  function fillTable(id: string, rows: Cell[][], onRow?: (index: number) => void, empty = 'nothing in this window'): void {
    const tbody = $(id).querySelector('tbody');
    if (!tbody) return;
    tbody.replaceChildren();
    rows.forEach((cells, index) => {
      const tr = document.createElement('tr');
      for (const cell of cells) {
        const td = document.createElement('td');
        td.textContent = cell === null || cell === undefined ? '-' : String(cell);
        if (typeof cell === 'number') td.className = 'num';
        tr.append(td);
      }
      if (onRow) {
        tr.tabIndex = 0;
        tr.className = 'clickable';
        tr.addEventListener('click', () => onRow(index));
      }
      tbody.append(tr);
    });
    if (rows.length === 0) {
      const tr = document.createElement('tr');
      const td = document.createElement('td');
      td.colSpan = 20;
      td.className = 'empty';
      td.textContent = empty;
      tr.append(td);
      tbody.append(tr);
    }
  }

  async function api(path: string, query: URLSearchParams = params): Promise<Record<string, Json>> {
    const qs = query.toString();
    const response = await fetch(`/dashboard/api/${path}${qs ? `?${qs}` : ''}`, { headers: { accept: 'application/json' } });
    const body: Json = await response.json();
    if (!response.ok) throw new Error(str(obj(obj(body)['error'])['message']) || `HTTP ${response.status}`);
    return obj(body);
  }

  async function post(path: string, payload: Record<string, Json>): Promise<Record<string, Json>> {
    const response = await fetch(`/dashboard/api/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CSRF]: '1', accept: 'application/json' },
      body: JSON.stringify(payload),
    });
    const body: Json = await response.json();
    if (!response.ok) throw new Error(str(obj(obj(body)['error'])['message']) || `HTTP ${response.status}`);
    return obj(body);
  }

  const palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];

  function chartWidth(el: HTMLElement): number {
    return Math.max(320, Math.min(1000, el.clientWidth || 800));
  }

  /** A time chart (x: epoch seconds) with one line per series. */
  function timeChart(el: HTMLElement, xs: number[], series: Array<{ label: string; values: (number | null)[]; dash?: number[]; right?: boolean }>): UPlot | null {
    el.replaceChildren();
    if (xs.length === 0) {
      el.textContent = 'no data in this window';
      el.dataset['points'] = '0';
      return null;
    }
    el.dataset['points'] = String(xs.length);
    const opts: UPlot.Options = {
      width: chartWidth(el),
      height: 240,
      series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: palette[i % palette.length] ?? '#333', width: 2, points: { show: xs.length < 60 }, scale: s.right ? 'r' : 'y', ...(s.dash ? { dash: s.dash } : {}) }))],
      axes: [{}, { scale: 'y', size: 70 }, ...(series.some((s) => s.right) ? [{ scale: 'r', side: 1, size: 60, grid: { show: false } }] : [])],
    };
    return new uPlot(opts, [xs, ...series.map((s) => s.values)], el);
  }

  const daySeconds = (day: string): number => Date.parse(`${day}T00:00:00Z`) / 1000;

  async function overview(): Promise<void> {
    const data = await api('overview');
    const report = obj(data['report']);
    const u = obj(report['upstream']);
    setFigure('sum-requests', num(u['requests']), String(num(u['requests']) ?? 0));
    setFigure('sum-tokens', num(u['totalTokens']), String(num(u['totalTokens']) ?? 0));
    setFigure('sum-cost', num(u['costUsd']), usd(num(u['costUsd'])));
    setFigure('sum-all-strong', num(u['allStrongCostUsd']), usd(num(u['allStrongCostUsd'])));
    setFigure('sum-saving', num(u['savingUsd']), usd(num(u['savingUsd'])));
    const savingPct = num(u['savingPct']);
    setFigure('sum-saving-pct', savingPct, savingPct === null ? '-' : `${savingPct.toFixed(1)}%`);
    setFigure('sum-strong-share', num(u['strongShare']), pct(num(u['strongShare'])));
    const daily = arr(data['daily']).map(obj);
    const xs = daily.map((d) => daySeconds(str(d['key'])));
    timeChart($('chart-spend'), xs, [
      { label: 'spend USD', values: daily.map((d) => num(d['costUsd'])) },
      { label: 'all-strong USD', values: daily.map((d) => num(d['allStrongCostUsd'])), dash: [6, 4] },
    ]);
    timeChart($('chart-tokens'), xs, [
      { label: 'tokens', values: daily.map((d) => num(d['totalTokens'])) },
      { label: 'requests', values: daily.map((d) => num(d['requests'])), right: true },
    ]);
    const perGroup = obj(data['groupSeries']);
    const groupDays = arr(perGroup['days']).map(str);
    const tokensByGroup = arr(perGroup['tokens']);
    timeChart($('chart-groups'), groupDays.map(daySeconds), arr(perGroup['keys']).map((key, k) => ({
      label: str(key) || '(none)',
      values: arr(tokensByGroup[k]).map(num),
    })));
    const groups = arr(report['groups']).map(obj);
    fillTable('groups', groups.map((g) => {
      const saving = num(g['savingPct']);
      return [str(g['key']) || '(none)', num(g['requests']), pct(num(g['strongShare'])), num(g['totalTokens']), usd(num(g['costUsd'])), usd(num(g['allStrongCostUsd'])), saving === null ? '-' : `${saving.toFixed(1)}%`];
    }));
    const tags = arr(data['tagNames']).map(str);
    const hint = $('tag-hint');
    hint.replaceChildren();
    if (tags.length > 0) {
      hint.append('Per tag value: ');
      for (const tag of tags) {
        const link = document.createElement('a');
        const next = new URLSearchParams(params);
        next.set('by', `tag:${tag}`);
        link.href = `?${next.toString()}`;
        link.textContent = tag;
        hint.append(link, ' ');
      }
    }
  }

  async function targets(): Promise<void> {
    const data = await api('targets');
    fillTable('adherence', arr(data['adherence']).map(obj).map((a) => [
      str(a['router']), str(a['target']), num(a['requests']), pct(num(a['liveShare'])), pct(num(a['recentShare'])), pct(num(a['targetShare'])),
      usd(num(a['spentUsd'])), usd(num(a['planUsd'])), usd(num(a['budgetUsd'])),
    ]));
    const shareBox = $('share-charts');
    for (const entry of arr(data['share']).map(obj)) {
      const title = document.createElement('h3');
      title.textContent = `${str(entry['router'])}: ${str(entry['target'])}`;
      const chart = document.createElement('div');
      chart.className = 'chart share-chart';
      shareBox.append(title, chart);
      const points = arr(entry['points']).map(obj);
      const target = num(entry['targetShare']);
      timeChart(chart, points.map((p) => daySeconds(str(p['day']))), [
        { label: 'live strong share', values: points.map((p) => num(p['liveShare'])) },
        ...(target === null ? [] : [{ label: 'target', values: points.map(() => target), dash: [6, 4] }]),
      ]);
    }
    const burnBox = $('burn-charts');
    const burns = arr(data['burn']).map(obj);
    if (burns.length === 0) {
      const p = document.createElement('p');
      p.className = 'hint';
      p.textContent = 'No router has a budget target.';
      burnBox.append(p);
    }
    for (const entry of burns) {
      const title = document.createElement('h3');
      title.textContent = `${str(entry['router'])}: ${str(entry['target'])}`;
      const chart = document.createElement('div');
      chart.className = 'chart burn-chart';
      burnBox.append(title, chart);
      const points = arr(entry['points']).map(obj);
      const budget = num(entry['budgetUsd']);
      timeChart(chart, points.map((p) => (num(p['at']) ?? 0) / 1000), [
        { label: 'spent USD', values: points.map((p) => num(p['spentUsd'])) },
        { label: 'plan USD', values: points.map((p) => num(p['planUsd'])), dash: [6, 4] },
        { label: 'budget USD', values: points.map(() => budget), dash: [2, 2] },
      ]);
    }
  }

  async function curve(): Promise<void> {
    const router = params.get('router') ?? '';
    const windowSpec = params.get('window') ?? '7d';
    const period = params.get('period') ?? 'month';
    const data = await api('curve');
    const points = arr(data['points']).map(obj);
    const chosen = { share: Number.NaN, cost: Number.NaN };
    const el = $('chart-curve');
    el.replaceChildren();
    el.dataset['points'] = String(points.length);
    const hasQuality = points.some((p) => num(p['quality']) !== null);
    const labels = obj(data['labels']);
    $('curve-note').textContent = `${num(data['requests']) ?? 0} logged requests of router ${str(data['router'])} over ${str(data['window'])}; ` +
      (hasQuality ? `quality from ${str(labels['path']).split('/').pop() ?? ''} (${num(labels['samples']) ?? 0} labelled prompts, ${str(labels['strongModel'])} vs ${str(labels['weakModel'])}).` : 'no labelled data configured (dashboard.labels), so no quality curve.');
    const xs = points.map((p) => num(p['strongShare']) ?? 0);
    const chart = new uPlot({
      width: chartWidth(el),
      height: 280,
      scales: { x: { time: false, range: [0, 1] }, q: { range: [0, 1.05] } },
      series: [
        { label: 'strong share', value: (_u, v) => pct(v) },
        { label: `cost per ${period} USD`, stroke: palette[0], width: 2, scale: 'y' },
        ...(hasQuality ? [{ label: 'quality retained', stroke: palette[2], width: 2, scale: 'q', value: (_u: UPlot, v: number | null) => pct(v) }] : []),
      ],
      axes: [{ label: 'strong share', values: (_u, ticks) => ticks.map((t) => `${Math.round(t * 100)}%`) }, { scale: 'y', size: 70 }, ...(hasQuality ? [{ scale: 'q', side: 1, grid: { show: false } }] : [])],
      hooks: {
        draw: [
          (u) => {
            if (!Number.isFinite(chosen.share)) return;
            const x = u.valToPos(chosen.share, 'x', true);
            const y = u.valToPos(chosen.cost, 'y', true);
            u.ctx.save();
            u.ctx.fillStyle = palette[1] ?? 'red';
            u.ctx.beginPath();
            u.ctx.arc(x, y, 6 * devicePixelRatio, 0, 2 * Math.PI);
            u.ctx.fill();
            u.ctx.restore();
          },
        ],
      },
    }, [xs, points.map((p) => num(p['costUsd'])), ...(hasQuality ? [points.map((p) => num(p['quality']))] : [])], el);

    const slider = $('threshold');
    if (!(slider instanceof HTMLInputElement)) return;
    const current = num(obj(data['current'])['threshold']);
    if (current !== null) slider.value = String(current);
    let seq = 0;
    async function project(): Promise<void> {
      if (!(slider instanceof HTMLInputElement)) return;
      const mine = ++seq;
      const threshold = Number(slider.value);
      $('threshold-value').textContent = threshold.toFixed(3);
      const q = new URLSearchParams({ window: windowSpec, period, threshold: String(threshold) });
      if (router) q.set('router', router);
      const point = await api('curve/point', q);
      if (mine !== seq) return;
      const replay = obj(point['replay']);
      const projected = obj(replay['projected']);
      const actual = obj(replay['actual']);
      const per = obj(point['period']);
      setFigure('proj-share', num(projected['strongShare']), pct(num(projected['strongShare'])));
      setFigure('proj-cost', num(projected['costUsd']), usd(num(projected['costUsd'])));
      setFigure('proj-period-cost', num(per['costUsd']), usd(num(per['costUsd'])));
      setFigure('proj-saving', num(per['savingUsd']), usd(num(per['savingUsd'])));
      setFigure('proj-saving-share', num(replay['savingShare']), pct(num(replay['savingShare'])));
      setFigure('actual-share', num(actual['strongShare']), pct(num(actual['strongShare'])));
      const quality = obj(point['quality']);
      const retained = num(quality['retained']);
      setFigure('proj-quality', retained, retained === null ? '- (no labels)' : `${pct(retained)} [${pct(num(quality['low']))}, ${pct(num(quality['high']))}]`);
      $('proj-share').closest('.figures')?.setAttribute('data-threshold', String(threshold));
      chosen.share = num(projected['strongShare']) ?? Number.NaN;
      chosen.cost = num(per['costUsd']) ?? Number.NaN;
      chart.redraw(false, false);
    }
    slider.addEventListener('input', () => void project().catch((e: unknown) => showError(String(e))));
    await project();

    async function listCalibrations(): Promise<void> {
      const q = new URLSearchParams({ limit: '20' });
      if (router) q.set('router', router);
      const list = await api('calibrations', q);
      const active = new Set(arr(list['active']).map(str));
      fillTable('calibrations', arr(list['calibrations']).map(obj).map((c) => [
        str(c['id']), new Date(num(c['createdAt']) ?? 0).toISOString().slice(0, 19) + 'Z', str(obj(c['target'])['kind']), fmt(num(c['threshold']), 4),
        pct(num(c['expectedShare'])), num(c['projectedCostUsd']) === null ? '-' : `${usd(num(c['projectedCostUsd']))}/${str(c['period'])}`,
        num(c['rolledBackAt']) !== null ? 'rolled back' : active.has(str(c['id'])) ? 'active' : '',
      ]), undefined, 'no calibration yet: the configured threshold applies');
      fillTable('audit', arr(list['audit']).map(obj).map((a) => [
        new Date(num(a['createdAt']) ?? 0).toISOString().slice(0, 19) + 'Z', str(a['action']), str(a['router']), str(a['calibrationId']) || '(config)', str(a['keyId']) || '-',
        JSON.stringify(a['detail'] ?? {}),
      ]), undefined, 'no action yet');
    }
    await listCalibrations();
    const status = $('action-status');
    const act = (label: string, run: () => Promise<string>) => async () => {
      status.textContent = `${label}…`;
      try {
        status.textContent = await run();
        await listCalibrations();
      } catch (error) {
        status.textContent = `${label} failed: ${error instanceof Error ? error.message : String(error)}`;
      }
    };
    $('apply').addEventListener('click', act('Applying', async () => {
      const result = await post('calibrations', { ...(router ? { router } : {}), threshold: Number(slider.value), window: windowSpec, period });
      const c = obj(result['calibration']);
      return `Applied: ${str(c['id'])} (threshold ${fmt(num(c['threshold']), 4)}, share ${pct(num(c['expectedShare']))})`;
    }));
    $('rollback').addEventListener('click', act('Rolling back', async () => {
      const result = await post('rollback', router ? { router } : {});
      const now = obj(result['active']);
      return str(now['id']) ? `Rolled back: ${str(now['id'])} is active` : 'Rolled back: the configured threshold applies';
    }));
  }

  async function decisions(): Promise<void> {
    const data = await api('decisions');
    const rows = arr(data['rows']).map(obj);
    $('decisions-note').textContent = `${rows.length} rows shown of ${num(data['scanned']) ?? 0} scanned${data['truncated'] === true ? ' (more match: narrow the filters)' : ''}.`;
    fillTable('decisions', rows.map((r) => [
      new Date(num(r['createdAt']) ?? 0).toISOString().slice(0, 19).replace('T', ' '), str(r['router']) || '(pass-through)', str(r['mode']), str(r['reason']),
      fmt(num(r['score']), 4), fmt(num(r['threshold']), 4), str(r['tier']), str(r['modelAlias']), num(r['status']),
      (num(r['promptTokens']) ?? 0) + (num(r['completionTokens']) ?? 0), usd(num(r['costUsd'])), fmt(num(r['latencyMs']), 0), fmt(num(r['ttfbMs']), 0),
    ]), (index) => void detail(str(rows[index]?.['id'])).catch((e: unknown) => showError(String(e))));
  }

  async function detail(id: string): Promise<void> {
    const data = await api(`decisions/${encodeURIComponent(id)}`, new URLSearchParams());
    const d = obj(data['decision']);
    $('detail').hidden = false;
    $('detail-id').textContent = id;
    const list = $('detail-explanation');
    list.replaceChildren(...arr(data['explanation']).map((line) => {
      const li = document.createElement('li');
      li.textContent = str(line);
      return li;
    }));
    const skip = new Set(['id']);
    fillTable('detail-fields', Object.entries(d).filter(([k]) => !skip.has(k)).map(([k, v]) => [k, typeof v === 'object' && v !== null ? JSON.stringify(v) : str(v) || '-']));
    fillTable('detail-outcomes', arr(data['outcomes']).map(obj).map((o) => [new Date(num(o['createdAt']) ?? 0).toISOString(), str(o['source']), num(o['rating']), str(o['label'])]), undefined, 'no outcome recorded for this decision');
  }

  async function health(): Promise<void> {
    const data = await api('health');
    const t = obj(data['decisionMs']);
    const log = obj(data['log']);
    setFigure('h-requests', num(data['requests']), String(num(data['requests']) ?? 0));
    setFigure('h-p50', num(t['p50']), fmt(num(t['p50']), 3));
    setFigure('h-p99', num(t['p99']), fmt(num(t['p99']), 3));
    setFigure('h-scorer-fallbacks', num(data['scorerFallbacks']), String(num(data['scorerFallbacks']) ?? 0));
    setFigure('h-fallbacks', num(data['fallbacksUsed']), String(num(data['fallbacksUsed']) ?? 0));
    setFigure('h-pending', num(log['pendingRows']), String(num(log['pendingRows']) ?? 0));
    setFigure('h-dropped', num(log['droppedRows']), String(num(log['droppedRows']) ?? 0));
    setFigure('h-write-failures', num(log['writeFailures']), String(num(log['writeFailures']) ?? 0));
    fillTable('upstream-errors', arr(data['upstreamErrors']).map(obj).map((e) => [str(e['provider']), num(e['errors']), num(e['requests'])]));
    fillTable('circuits', arr(data['circuits']).map(obj).map((c) => [str(c['provider']), str(c['state']), num(c['consecutiveFailures']), num(c['opened'])]));
  }

  async function labelsView(): Promise<void> {
    const data = await api('labels');
    const outcomes = arr(data['outcomes']).map(obj);
    fillTable('outcomes', outcomes.map((o) => [str(o['day']), str(o['source']), num(o['count']), fmt(num(o['meanRating']), 3)]));
    const days = [...new Set(outcomes.map((o) => str(o['day'])))].sort();
    const sources = [...new Set(outcomes.map((o) => str(o['source'])))].sort();
    timeChart($('chart-labels'), days.map(daySeconds), sources.map((source) => ({
      label: source,
      values: days.map((day) => num(outcomes.find((o) => str(o['day']) === day && str(o['source']) === source)?.['count']) ?? 0),
    })));
    const shadow = data['shadowLabels'];
    if (Array.isArray(shadow)) {
      $('shadow-note').textContent = shadow.length > 0 ? `Shadow-judge labels per day and label (${shadow.length} cells).` : 'No shadow-judge labels in this window (shadow judging is off, or has sampled nothing yet).';
      fillTable('shadow', shadow.map(obj).map((s) => [str(s['day']), str(s['source']), num(s['count'])]));
    } else {
      $('shadow-note').textContent = 'This store keeps no shadow-judge labels.';
      $('shadow').hidden = true;
    }
    const gate = data['gate'];
    const table = $('gate');
    if (gate && typeof gate === 'object') {
      const g = obj(gate);
      $('gate-note').textContent = arr(g['rows']).length > 0 ? `The retrain gate's newest verdicts (${str(g['table'])}).` : 'No retrained model versions yet (run triage retrain).';
      const head = table.querySelector('thead');
      const tr = document.createElement('tr');
      for (const column of arr(g['columns'])) {
        const th = document.createElement('th');
        th.textContent = str(column);
        tr.append(th);
      }
      head?.replaceChildren(tr);
      fillTable('gate', arr(g['rows']).map((row) => arr(row).map((c) => (typeof c === 'number' ? c : str(c)))));
    } else {
      $('gate-note').textContent = 'This store keeps no model versions.';
      table.hidden = true;
    }
  }

  const views: Record<string, () => Promise<void>> = { overview, targets, curve, decisions, health, labels: labelsView };
  const run = views[view];
  if (run) {
    run()
      .then(() => document.body.setAttribute('data-ready', 'true'))
      .catch((error: unknown) => {
        showError(error instanceof Error ? error.message : String(error));
        document.body.setAttribute('data-ready', 'error');
      });
  }
}

/** The served script: the function's source, called at once (`__name` is a no-op for bundlers that keep names). */
export function dashboardScript(): string {
  return `"use strict";\nvar __name = function (f) { return f; };\n(${dashboardClient.toString()})();\n`;
}
