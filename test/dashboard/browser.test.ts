// The dashboard in a real browser: Debian's Chromium (playwright-core) against `triage serve` as a
// child process on a seeded SQLite decision log, with an admin key (HTTP Basic). Each view loads and
// its charts draw (canvases with painted pixels); the Overview's figures equal `triage report
// --json` for the same window; the Curve's slider shows what `triage replay --json` prints at that
// threshold; apply then roll back change what `triage calibrate --list` shows. Skips with one line
// when Chromium is missing (an error under CI=true). TRIAGE_SCREENSHOTS=1 writes docs/dashboard/*.png.

import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumMissing, launchChromium, type LaunchedBrowser } from '../support/chromium.ts';
import { seedDashboard } from '../support/dashboard-seed.ts';
import { BIN, spawnGateway, type SpawnedGateway } from '../support/spawn-gateway.ts';
import { suiteTempDir } from '../support/temp-dir.ts';

const run = promisify(execFile);
const missing = chromiumMissing();
const ADMIN = 'admin-secret-for-the-dashboard';
/** Waits for the page under load (an apply runs the calibrator), well within the test's timeout. */
const POLL = { timeout: 20_000 };
const SHOTS = process.env['TRIAGE_SCREENSHOTS'] === '1' ? new URL('../../docs/dashboard/', import.meta.url) : undefined;

async function triageJson(args: string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, TRIAGE_SOURCE: '1' }, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout);
}

const field = (value: unknown, ...path: string[]): unknown => {
  let at: unknown = value;
  for (const key of path) at = typeof at === 'object' && at !== null ? Reflect.get(at, key) : undefined;
  return at;
};
const numberAt = (value: unknown, ...path: string[]): number => {
  const found = field(value, ...path);
  if (typeof found !== 'number') throw new Error(`${path.join('.')} is not a number: ${String(found)}`);
  return found;
};

async function figure(page: Page, id: string): Promise<number> {
  const text = await page.locator(`#${id}`).getAttribute('data-value');
  expect(text, `#${id} has a value`).toBeTruthy();
  return Number(text);
}

/** Painted pixels in every canvas under `selector` (uPlot draws there): none means an empty chart. */
async function paintedPixels(page: Page, selector: string): Promise<number[]> {
  return page.$$eval(`${selector} canvas`, (canvases) =>
    canvases.map((canvas) => {
      if (!(canvas instanceof HTMLCanvasElement)) return 0;
      const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      if (data) for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) painted++;
      return painted;
    }),
  );
}

async function open(page: Page, url: string, shot?: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('body[data-ready]');
  expect(await page.getAttribute('body', 'data-ready'), await page.locator('#error').textContent() ?? '').toBe('true');
  if (SHOTS && shot) {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: new URL(`${shot}.png`, SHOTS).pathname, fullPage: true });
  }
}

describe.skipIf(missing !== undefined)('dashboard in Chromium', { timeout: 120_000 }, () => {
  const dir = suiteTempDir('triage-dash-');
  let gateway: SpawnedGateway;
  let browser: LaunchedBrowser;
  let page: Page;
  let db = '';
  let config = '';
  const now = Date.now();

  beforeAll(async () => {
    const seeded = await seedDashboard(dir.path, now);
    db = seeded.dbPath;
    config = seeded.configPath;
    gateway = await spawnGateway(['--config', config, '--db', db], { TRIAGE_ADMIN_KEY: ADMIN });
    browser = await launchChromium({ username: 'admin', password: ADMIN });
    page = await browser.context.newPage();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  it('Overview: figures equal triage report for the same window, and the charts draw', async () => {
    const since = new Date(now - 7 * 86_400_000).toISOString();
    const until = new Date(now).toISOString();
    await open(page, `${gateway.url}/dashboard/overview?since=${since}&until=${until}`, 'overview');
    const report = await triageJson(['report', '--json', '--db', db, '--config', config, '--since', since, '--until', until, '--top', '20']);
    expect(await figure(page, 'sum-requests')).toBe(numberAt(report, 'upstream', 'requests'));
    expect(await figure(page, 'sum-tokens')).toBe(numberAt(report, 'upstream', 'totalTokens'));
    expect(await figure(page, 'sum-cost')).toBeCloseTo(numberAt(report, 'upstream', 'costUsd'), 12);
    expect(await figure(page, 'sum-all-strong')).toBeCloseTo(numberAt(report, 'upstream', 'allStrongCostUsd'), 12);
    expect(await figure(page, 'sum-saving')).toBeCloseTo(numberAt(report, 'upstream', 'savingUsd'), 12);
    expect(await figure(page, 'sum-strong-share')).toBeCloseTo(numberAt(report, 'upstream', 'strongShare'), 12);
    expect(numberAt(report, 'upstream', 'requests')).toBeGreaterThan(100);
    const groups = field(report, 'groups');
    expect(await page.locator('#groups tbody tr').count()).toBe(Array.isArray(groups) ? groups.length : -1);
    for (const chart of ['#chart-spend', '#chart-tokens', '#chart-groups']) {
      expect(Number(await page.locator(chart).getAttribute('data-points'))).toBeGreaterThan(1);
      const painted = await paintedPixels(page, chart);
      expect(painted.length).toBeGreaterThan(0);
      expect(Math.max(...painted)).toBeGreaterThan(500);
    }
    // Per tag value: the page offers the seeded tag and its groups are the tag's values.
    await page.click('#tag-hint a:text("feature")');
    await page.waitForSelector('body[data-ready]');
    await expect.poll(() => page.locator('#groups tbody tr td:first-child').allTextContents(), POLL).toEqual(expect.arrayContaining(['chat', 'search', 'code']));
  });

  it('Curve: the slider shows what triage replay prints, and apply then roll back go through calibrate', async () => {
    await open(page, `${gateway.url}/dashboard/curve?router=default&window=7d&period=month`);
    expect(Number(await page.locator('#chart-curve').getAttribute('data-points'))).toBe(21);
    expect(Math.max(...(await paintedPixels(page, '#chart-curve')))).toBeGreaterThan(500);
    for (const threshold of ['0.35', '0.72']) {
      await page.locator('#threshold').fill(threshold);
      await page.waitForSelector(`.figures[data-threshold="${threshold}"]`);
      const replay = await triageJson(['replay', '--json', '--db', db, '--config', config, '--router', 'default', '--since', '7d', '--threshold', threshold]);
      expect(await figure(page, 'proj-share')).toBeCloseTo(numberAt(replay, 'projected', 'strongShare'), 12);
      expect(await figure(page, 'proj-cost')).toBeCloseTo(numberAt(replay, 'projected', 'costUsd'), 12);
      expect(await figure(page, 'proj-saving-share')).toBeCloseTo(numberAt(replay, 'savingShare'), 12);
      expect(await figure(page, 'actual-share')).toBeCloseTo(numberAt(replay, 'actual', 'strongShare'), 12);
      // Per month: the window's figures scaled by 30 days ÷ 7 days, as triage calibrate projects.
      expect(await figure(page, 'proj-period-cost')).toBeCloseTo((numberAt(replay, 'projected', 'costUsd') * 30) / 7, 9);
      // Quality retained from the configured labelled file, with its interval.
      const quality = await figure(page, 'proj-quality');
      expect(quality).toBeGreaterThan(0);
      expect(quality).toBeLessThanOrEqual(1.0001);
      expect(await page.locator('#proj-quality').textContent()).toMatch(/^\d+\.\d% \[\d+\.\d%, \d+\.\d%\]$/);
    }
    expect(await page.locator('#curve-note').textContent()).toMatch(/120 labelled prompts, big-model vs small-model/);
    await open(page, `${gateway.url}/dashboard/curve?router=default&window=7d&period=month`);
    await page.locator('#threshold').fill('0.72');
    await page.waitForSelector('.figures[data-threshold="0.72"]');
    const share = await figure(page, 'proj-share');

    await page.click('#apply');
    await expect.poll(() => page.locator('#action-status').textContent(), POLL).toMatch(/^Applied: cal_/);
    const listed = await triageJson(['calibrate', '--list', '--json', '--db', db, '--config', config, '--router', 'default']);
    expect(Array.isArray(listed) && listed.length).toBe(1);
    const applied = field(listed, '0');
    expect(numberAt(applied, 'expectedShare')).toBeCloseTo(share, 12);
    expect(field(applied, 'rolledBackAt')).toBeNull();
    await expect.poll(() => page.locator('#calibrations tbody tr td').nth(6).textContent(), POLL).toBe('active');
    await expect.poll(() => page.locator('#audit tbody tr td').nth(1).textContent(), POLL).toBe('apply');
    if (SHOTS) await page.screenshot({ path: new URL('curve.png', SHOTS).pathname, fullPage: true });

    await page.click('#rollback');
    await expect.poll(() => page.locator('#action-status').textContent(), POLL).toMatch(/^Rolled back/);
    const after = await triageJson(['calibrate', '--list', '--json', '--db', db, '--config', config, '--router', 'default']);
    expect(typeof field(after, '0', 'rolledBackAt')).toBe('number');
    await expect.poll(() => page.locator('#audit tbody tr td').nth(1).textContent(), POLL).toBe('rollback');
  });

  it('Targets: adherence rows, share against target per day, and the budget burn-down draw', async () => {
    await open(page, `${gateway.url}/dashboard/targets?since=7d`, 'targets');
    const cells = await page.locator('#adherence tbody tr td:first-child').allTextContents();
    expect(cells.sort()).toEqual(['capped', 'shared']);
    expect(await page.locator('.share-chart').count()).toBe(2);
    expect(await page.locator('.burn-chart').count()).toBe(1);
    const painted = [...(await paintedPixels(page, '#share-charts')), ...(await paintedPixels(page, '#burn-charts'))];
    expect(painted.length).toBe(3);
    for (const pixels of painted) expect(pixels).toBeGreaterThan(500);
  });

  it('Decisions: filters apply, a row opens its explanation, and prompt text stays hidden', async () => {
    await open(page, `${gateway.url}/dashboard/decisions?since=7d&router=default&reason=score%3E%3Dthreshold&limit=50`, 'decisions');
    const reasons = await page.locator('#decisions tbody tr td:nth-child(4)').allTextContents();
    expect(reasons.length).toBe(50);
    expect(new Set(reasons)).toEqual(new Set(['score>=threshold']));
    await page.locator('#decisions tbody tr').first().click();
    await page.waitForSelector('#detail:not([hidden]) #detail-explanation li');
    expect(await page.locator('#detail-explanation').textContent()).toMatch(/score reached the threshold, so the strong model was chosen/);
    if (SHOTS) await page.screenshot({ path: new URL('decisions.png', SHOTS).pathname, fullPage: true });
    expect(await page.content()).not.toContain('secret prompt');
  });

  it('Health: decision times, fallbacks, upstream errors and the log counters', async () => {
    await open(page, `${gateway.url}/dashboard/health?since=7d`, 'health');
    expect(await figure(page, 'h-requests')).toBe(600);
    expect(await figure(page, 'h-p99')).toBeGreaterThanOrEqual(await figure(page, 'h-p50'));
    expect(await figure(page, 'h-dropped')).toBe(0);
    const providers = await page.locator('#upstream-errors tbody tr td:first-child').allTextContents();
    expect(providers.sort()).toEqual(['other', 'up']);
    expect(await page.locator('#circuits tbody tr').count()).toBe(2);
  });

  it('Labels: outcomes per source and day, shadow-judge labels, and the retrain gate\'s verdicts', async () => {
    await open(page, `${gateway.url}/dashboard/labels?since=30d`, 'labels');
    const sources = new Set(await page.locator('#outcomes tbody tr td:nth-child(2)').allTextContents());
    expect(sources).toEqual(new Set(['feedback', 'judge']));
    const counts = (await page.locator('#outcomes tbody tr td:nth-child(3)').allTextContents()).map(Number);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(80);
    expect(Math.max(...(await paintedPixels(page, '#chart-labels')))).toBeGreaterThan(500);
    const shadowRows = await page.locator('#shadow tbody tr').evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    const shadowCounts = new Map<string, number>();
    for (const [, source, count] of shadowRows) shadowCounts.set(String(source), (shadowCounts.get(String(source)) ?? 0) + Number(count));
    expect(Object.fromEntries(shadowCounts)).toEqual({ 'shadow:strong_needed': 4, 'shadow:weak_ok': 8 });
    expect(await page.locator('#gate-note').textContent()).toMatch(/newest verdicts \(model_versions\)/);
    const gateRows = await page.locator('#gate tbody tr').evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    expect(gateRows.map((row) => [row[0], row[3]])).toEqual([['default@7', 'promoted'], ['default@6', 'rejected']]);
  });

  it('asks for the admin key: without credentials the page is a 401 with a Basic challenge', async () => {
    const response = await fetch(`${gateway.url}/dashboard/overview`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
  });
});
