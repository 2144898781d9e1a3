// The dashboard's JSON API against the real gateway on loopback with a real SQLite log: who may
// read it (admin key, dashboard key, Basic auth; a plain gateway key is refused), the CSRF guard on
// actions, 400s in the OpenAI error shape for bad or unbounded parameters, no CORS, prompt text only
// with logPrompts, figures equal to the library calls the CLI makes (quality from a labelled file as
// `triage calibrate --labels` computes it), and an audit row per action.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qualityAtThreshold } from '../../src/learning/calibrate/quality.ts';
import { loadLabelledSet } from '../../src/learning/labels.ts';
import { createScorerPool, defaultScorerFactory } from '../../src/scoring/pool.ts';
import { parseConfig } from '../../src/config/load.ts';
import { runReplay } from '../../src/learning/replay.ts';
import { parseWindow } from '../../src/learning/window.ts';
import { usageReport } from '../../src/routing/usage-report.ts';
import { dashboardConfigRaw, dashboardRows, writeLabels } from '../support/dashboard-seed.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

const ADMIN = 'admin-secret-dash';
const DASH = 'dashboard-only-secret';
const basic = (password: string): string => `Basic ${Buffer.from(`me:${password}`).toString('base64')}`;

async function seeded(options: { logPrompts?: boolean; env?: Record<string, string>; dashboard?: Record<string, unknown> } = {}): Promise<TestGateway> {
  const raw = { ...dashboardConfigRaw, server: { logPrompts: options.logPrompts ?? false }, ...(options.dashboard ? { dashboard: options.dashboard } : {}) };
  const gateway = await startTestGateway({ raw, env: options.env ?? { TRIAGE_ADMIN_KEY: ADMIN, TRIAGE_DASHBOARD_KEY: DASH }, learning: true });
  for (const row of dashboardRows(300, Date.now())) gateway.store.log(row);
  await gateway.store.flush();
  return gateway;
}

describe('dashboard API', () => {
  let gateway: TestGateway;
  const get = (path: string, auth: string | null = `Bearer ${ADMIN}`, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}${path}`, { headers: { ...(auth ? { authorization: auth } : {}), ...headers } });
  const post = (path: string, body: unknown, headers: Record<string, string> = { 'x-triage-dashboard': '1', 'content-type': 'application/json' }) =>
    fetch(`${gateway.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, ...headers }, body: JSON.stringify(body) });

  beforeAll(async () => {
    gateway = await seeded();
  });
  afterAll(async () => {
    await gateway.dispose();
  });

  it('opens with the admin key, the dashboard key or Basic auth, and refuses the rest', async () => {
    expect((await get('/dashboard/api/health')).status).toBe(200);
    expect((await get('/dashboard/api/health', `Bearer ${DASH}`)).status).toBe(200);
    expect((await get('/dashboard/api/health', basic(ADMIN))).status).toBe(200);
    expect((await get('/dashboard/overview', basic(DASH))).status).toBe(200);
    const none = await get('/dashboard/api/health', null);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'missing_api_key' } });
    expect((await get('/dashboard/api/health', basic('wrong'))).status).toBe(401);
    const page = await get('/dashboard/curve', null);
    expect(page.status).toBe(401);
    expect(page.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    const { secret } = await gateway.store.createKey({ name: 'plain' });
    const plain = await get('/dashboard/api/health', `Bearer ${secret}`);
    expect(plain.status).toBe(403);
    expect(await plain.json()).toMatchObject({ error: { type: 'permission_error', code: 'admin_required' } });
    const admin = await gateway.store.createKey({ name: 'ops', admin: true });
    expect((await get('/dashboard/api/health', `Bearer ${admin.secret}`)).status).toBe(200);
  });

  it('answers bad and unbounded parameters with a 400 in the OpenAI shape, naming the parameter', async () => {
    const cases: Array<[string, string]> = [
      ['/dashboard/api/overview?since=yesterday', 'since'],
      ['/dashboard/api/overview?since=400d', 'since'],
      ['/dashboard/api/overview?top=5000', 'top'],
      ['/dashboard/api/overview?by=tag:', 'by'],
      ['/dashboard/api/decisions?limit=501', 'limit'],
      ['/dashboard/api/decisions?status=abc', 'status'],
      ['/dashboard/api/decisions?tag=novalue', 'tag'],
      ['/dashboard/api/curve?window=10y', 'window'],
      ['/dashboard/api/curve?window=9999999', 'window'],
      ['/dashboard/api/curve?router=nope', 'router'],
      ['/dashboard/api/curve/point?threshold=1.5', 'threshold'],
      ['/dashboard/api/curve/point', 'threshold'],
      ['/dashboard/api/curve?period=year', 'period'],
      ['/dashboard/api/overview?since=7d&until=nope', 'until'],
      ['/dashboard/api/health?since=1d&until=2d', 'since'],
    ];
    for (const [path, param] of cases) {
      const response = await get(path);
      expect(response.status, path).toBe(400);
      const body = await response.json();
      expect(body, path).toMatchObject({ error: { type: 'invalid_request_error', param } });
      expect(typeof body.error.message).toBe('string');
    }
    const empty = await get('/dashboard/api/curve?router=default&window=30m');
    expect(empty.status).toBe(404);
    expect(await empty.json()).toMatchObject({ error: { type: 'not_found_error', code: 'no_traffic', param: 'window' } });
    expect((await get('/dashboard/api/decisions/nope')).status).toBe(404);
    expect((await get('/dashboard/api/nothing-here')).status).toBe(404);
    expect((await get('/dashboard/nothing-here')).status).toBe(404);
  });

  it('sends no CORS headers and a strict content security policy on pages', async () => {
    const api = await get('/dashboard/api/overview', `Bearer ${ADMIN}`, { origin: 'https://evil.example' });
    expect(api.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${gateway.url}/dashboard/api/calibrations`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const page = await get('/dashboard/overview');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves uPlot and the page script from the gateway itself', async () => {
    const uplot = await get('/dashboard/assets/uPlot.iife.min.js', null);
    expect(uplot.status).toBe(200);
    expect(await uplot.text()).toMatch(/uPlot/);
    const script = await (await get('/dashboard/assets/dashboard.js', null)).text();
    expect(script).toMatch(/\/dashboard\/api\//);
    expect(script).not.toMatch(/https?:\/\//);
    const html = await (await get('/dashboard/overview')).text();
    expect(html).not.toMatch(/src="https?:|href="https?:/);
  });

  it('gives the figures the CLI computes: the usage report and replay', async () => {
    const config = parseConfig(dashboardConfigRaw, 'test');
    const since = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const until = new Date().toISOString();
    const body = await (await get(`/dashboard/api/overview?since=${since}&until=${until}&by=tag:feature`)).json();
    const expected = await usageReport(gateway.store, config, { groupBy: { dimension: 'tag', tag: 'feature' }, query: { since: Date.parse(since), until: Date.parse(until) }, top: 20 });
    expect(body.report).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(body.tagNames).toEqual(['feature']);
    expect(body.daily.length).toBeGreaterThan(1);
    // Per group per day: each group's days add up to its figure over the whole window.
    expect(body.groupSeries.keys).toEqual(expected.groups.map((g) => g.key));
    body.groupSeries.keys.forEach((_key: string, k: number) => {
      expect(body.groupSeries.tokens[k].reduce((a: number, b: number) => a + b, 0)).toBe(expected.groups[k]!.totalTokens);
      expect(body.groupSeries.costUsd[k].reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(expected.groups[k]!.costUsd, 12);
    });

    const point = await (await get('/dashboard/api/curve/point?router=default&window=7d&threshold=0.42')).json();
    const prices = { strong: config.models['strong']!.pricePerMTok, weak: config.models['weak']!.pricePerMTok };
    const replay = await runReplay({ store: gateway.store, routerName: 'default', window: parseWindow('7d'), policy: { kind: 'threshold', threshold: 0.42 }, prices });
    expect(point.replay).toEqual(JSON.parse(JSON.stringify(replay)));
    expect(point.period.costUsd).toBeCloseTo((replay.projected.costUsd * 30) / 7, 12);
    expect(point.quality).toBeNull();
  });

  it('refuses actions without the CSRF header, from another origin, or without a JSON body', async () => {
    const missing = await post('/dashboard/api/calibrations', { threshold: 0.5 }, { 'content-type': 'application/json' });
    expect(missing.status).toBe(403);
    expect(await missing.json()).toMatchObject({ error: { code: 'csrf_check_failed' } });
    const foreign = await post('/dashboard/api/rollback', {}, { 'x-triage-dashboard': '1', 'content-type': 'application/json', origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    const form = await post('/dashboard/api/calibrations', { threshold: 0.5 }, { 'x-triage-dashboard': '1', 'content-type': 'text/plain' });
    expect(form.status).toBe(415);
    const bad = await post('/dashboard/api/calibrations', { threshold: 'high' });
    expect(bad.status).toBe(400);
    const extra = await post('/dashboard/api/calibrations', { threshold: 0.5, sneaky: true });
    expect(extra.status).toBe(400);
    const unauth = await fetch(`${gateway.url}/dashboard/api/calibrations`, { method: 'POST', headers: { 'x-triage-dashboard': '1', 'content-type': 'application/json' }, body: '{"threshold":0.5}' });
    expect(unauth.status).toBe(401);
    expect((await get('/dashboard/api/calibrations')).status).toBe(200);
    expect((await (await get('/dashboard/api/calibrations')).json()).calibrations).toEqual([]);
  });

  it('applies a threshold as a versioned calibration, rolls it back, and audits both with the key that acted', async () => {
    const applied = await post('/dashboard/api/calibrations', { router: 'default', threshold: 0.6, window: '7d', period: 'week' });
    expect(applied.status).toBe(201);
    const { calibration } = await applied.json();
    const stored = await gateway.store.calibrations({ router: 'default' });
    expect(stored.map((c) => c.id)).toEqual([calibration.id]);
    expect(stored[0]).toMatchObject({ target: { kind: 'strongShare' }, period: 'week', window: { source: 'log', spec: '7d' } });
    // The gateway's live threshold follows the new calibration.
    await expect.poll(async () => (await (await get('/dashboard/api/curve?router=default')).json()).current.calibrationId, { timeout: 15_000 }).toBe(calibration.id);

    const rolled = await post('/dashboard/api/rollback', { router: 'default' });
    expect(rolled.status).toBe(200);
    expect(await rolled.json()).toMatchObject({ rolledBack: calibration.id, active: null });
    const again = await post('/dashboard/api/rollback', { router: 'default' });
    expect(again.status).toBe(409);

    const audit = await gateway.store.auditEntries(10);
    expect(audit.map((a) => a.action)).toEqual(['rollback', 'apply']);
    expect(audit[1]).toMatchObject({ router: 'default', calibrationId: calibration.id, detail: { threshold: 0.6, window: '7d', period: 'week' } });
    expect(audit[0]).toMatchObject({ calibrationId: null, detail: { rolledBack: calibration.id } });
    for (const entry of audit) expect(entry.keyId).toMatch(/^key_[0-9a-f]{12}$/);
    expect(JSON.stringify(audit)).not.toContain(ADMIN);
  });

  it('lists decisions with filters and explains one, without prompt text while logPrompts is off', async () => {
    const body = await (await get('/dashboard/api/decisions?since=7d&tag=feature=search&router=default&limit=500')).json();
    expect(body.rows.length).toBeGreaterThan(5);
    for (const row of body.rows) {
      expect(row.tags.feature).toBe('search');
      expect(row.router).toBe('default');
      expect(row.promptText).toBeNull();
      expect(row).not.toHaveProperty('features');
    }
    const failed = await (await get('/dashboard/api/decisions?since=7d&status=502')).json();
    expect(failed.rows.length).toBeGreaterThan(0);
    for (const row of failed.rows) expect(row.status).toBe(502);
    const detail = await (await get(`/dashboard/api/decisions/${body.rows[0].id}`)).json();
    expect(detail.decision.promptText).toBeNull();
    expect(detail.explanation.join(' ')).toMatch(/Router "default" scored the prompt/);
    expect(JSON.stringify(detail)).not.toContain('sk-upstream-secret-123');
  });
});

describe('dashboard API with logPrompts on, and with auth off', () => {
  it('shows prompt text only when the config logs prompts', async () => {
    const gateway = await seeded({ logPrompts: true });
    try {
      const body = await (await fetch(`${gateway.url}/dashboard/api/decisions?limit=3`, { headers: { authorization: `Bearer ${ADMIN}` } })).json();
      expect(body.rows[0].promptText).toMatch(/^secret prompt /);
    } finally {
      await gateway.dispose();
    }
  });

  it('is open without any key configured (as the admin endpoints are), and off when disabled', async () => {
    const open = await seeded({ env: {} });
    try {
      expect((await fetch(`${open.url}/dashboard/api/health`)).status).toBe(200);
    } finally {
      await open.dispose();
    }
    const off = await seeded({ dashboard: { enabled: false } });
    try {
      expect((await fetch(`${off.url}/dashboard/overview`, { headers: { authorization: `Bearer ${ADMIN}` } })).status).toBe(404);
    } finally {
      await off.dispose();
    }
  });
});

describe('dashboard API with labelled data', () => {
  it('shows quality retained with its interval from the configured labels, as triage calibrate --labels computes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'triage-dash-labels-'));
    const path = join(dir, 'labels.jsonl');
    writeLabels(path);
    const gateway = await seeded({ dashboard: { labels: { path } } });
    const pool = createScorerPool(defaultScorerFactory());
    try {
      const point = await (await fetch(`${gateway.url}/dashboard/api/curve/point?router=default&threshold=0.4`, { headers: { authorization: `Bearer ${ADMIN}` } })).json();
      const config = parseConfig(dashboardConfigRaw, 'test');
      const labels = await loadLabelledSet(path, config.routers['default']!, pool);
      const expected = qualityAtThreshold(labels, 0.4, { resamples: 1000, seed: 1 });
      expect(point.quality).toEqual({
        retained: expected.retained, low: expected.interval.low, high: expected.interval.high, pgr: expected.pgr,
        labelsPath: path, strongModel: 'big-model', weakModel: 'small-model', samples: 120,
      });
      expect(point.quality.low).toBeLessThanOrEqual(point.quality.retained);
      expect(point.quality.high).toBeGreaterThanOrEqual(point.quality.retained);
      const curve = await (await fetch(`${gateway.url}/dashboard/api/curve?router=default`, { headers: { authorization: `Bearer ${ADMIN}` } })).json();
      const qualities = curve.points.map((p: { quality: number }) => p.quality);
      expect(qualities.every((q: unknown) => typeof q === 'number')).toBe(true);
      expect(qualities[qualities.length - 1]).toBeGreaterThan(qualities[0]);
    } finally {
      await pool.closeAll();
      await gateway.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
