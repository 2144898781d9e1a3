// The whole loop through the real gateway (loopback, fake upstream, SQLite): traffic, feedback
// posted to /v1/feedback, a quality calibration fitted on those outcomes (no labelled file), and
// `triage@q90` plus a config `target: { quality: 0.9 }` routing at that calibration. Feedback on
// traffic sent through a model-name target (`triage@s30`) labels the same router.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { createLogger } from '../../src/config/logger.ts';
import { startGateway } from '../../src/server/start.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { runCalibration } from '../../src/learning/calibrate/run.ts';
import { parseWindow } from '../../src/learning/window.ts';
import type { Calibration } from '../../src/store/learning-store.ts';
import { createScorerPool, defaultScorerFactory } from '../../src/scoring/pool.ts';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { startTestGateway, testConfig, type TestGateway } from '../support/gateway.ts';

let upstream: FakeUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  gateway = await startTestGateway({ raw: testConfig(upstream.url), learning: true });
});

afterAll(async () => {
  await gateway.dispose();
  await upstream.close();
});

const json = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

it('fits a quality calibration on posted feedback, and @q90 routes at it', async () => {
  for (let i = 0; i < 120; i++) {
    // Half the traffic comes through a model-name target: its feedback labels the same router.
    const response = await json(`${gateway.url}/v1/chat/completions`, { model: i % 2 ? 'triage@s30' : 'triage', messages: [{ role: 'user', content: `question ${i}` }] });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    const id = response.headers.get('x-triage-decision-id') ?? '';
    const score = Number(response.headers.get('x-triage-score'));
    const weakServed = response.headers.get('x-triage-model') === 'fake-weak';
    // Hard prompts (score above 0.7) needed the strong model: a weak answer gets thumbs down, a strong one an explicit label.
    const feedback = weakServed ? { decision_id: id, thumbs: score > 0.7 ? 'down' : 'up' } : { decision_id: id, label: score > 0.7 ? 'strong_needed' : 'weak_ok', source: 'app' };
    const posted = await json(`${gateway.url}/v1/feedback`, feedback);
    expect(posted.status).toBe(201);
  }
  const scorers = createScorerPool(defaultScorerFactory());
  let calibration: Calibration | undefined;
  try {
    const config = parseConfig(testConfig(upstream.url), 'test');
    const run = await runCalibration({ config, routerName: 'default', target: { kind: 'quality', quality: 0.9, confidence: false }, window: parseWindow('1d'), store: gateway.store, scorers, resamples: 200 });
    calibration = run.calibration;
    expect(run.labels).toMatchObject({ source: 'log', samples: 120 });
    // Everything above 0.7 must go strong to keep 90%; below it weak was enough, so the share stays well under all-strong.
    expect(run.calibration.qualityRetained).toBeGreaterThanOrEqual(0.9);
    expect(run.calibration.expectedShare).toBeLessThan(0.5);
  } finally {
    await scorers.closeAll();
  }
  let response: Response | undefined;
  for (let tries = 0; tries < 100; tries++) {
    response = await json(`${gateway.url}/v1/chat/completions`, { model: 'triage@q90', messages: [{ role: 'user', content: 'hello' }] });
    if (response.status === 200) break;
    await response.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(response?.status).toBe(200);
  expect(response?.headers.get('x-triage-calibration-id')).toBe(calibration?.id);
  expect(Number(response?.headers.get('x-triage-threshold'))).toBe(calibration?.threshold);

  // A router whose config states the quality target starts on the same log and routes at that calibration.
  const raw = testConfig(upstream.url);
  (raw['routers'] as Record<string, Record<string, unknown>>)['default']!['target'] = { quality: 0.9 };
  const store = openSqliteStore(gateway.dbPath);
  const second = await startGateway({ config: parseConfig(raw, 'test'), env: {}, store, learning: store, log: createLogger('silent'), host: '127.0.0.1', port: 0 });
  try {
    const routed = await json(`${second.url}/v1/chat/completions`, { model: 'triage', messages: [{ role: 'user', content: 'hello again' }] });
    expect(routed.status).toBe(200);
    expect(routed.headers.get('x-triage-calibration-id')).toBe(calibration?.id);
    await routed.arrayBuffer();
  } finally {
    await second.close();
  }
});
