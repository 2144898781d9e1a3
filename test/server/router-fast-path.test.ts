// The gateway's routes must all fit Hono's RegExp router, its fast path: one route pattern it cannot
// compile (e.g. "/dashboard/:view" beside "/dashboard/api/*") silently moves every request, the
// chat path included, to the slower trie router. Checked on the real app with every wing mounted
// (dashboard, admin, Anthropic, pass-through endpoints), after a real request picked the router.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { SmartRouter } from 'hono/router/smart-router';
import { createApp } from '../../src/server/app.ts';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { startTestGateway, testConfig, type TestGateway } from '../support/gateway.ts';

let upstream: FakeUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  gateway = await startTestGateway({ raw: testConfig(upstream.url) });
});

afterAll(async () => {
  await gateway?.dispose();
  await upstream?.close();
});

it('serves every route through the RegExp router', async () => {
  expect(gateway.ctx.config.dashboard.enabled).toBe(true);
  const app = createApp(gateway.ctx);
  const health = await app.request('/healthz');
  expect(health.status).toBe(200);
  const page = await app.request('/dashboard/overview');
  expect(page.status).toBeLessThan(500);
  const router = app.router;
  if (!(router instanceof SmartRouter)) throw new Error('the app no longer uses SmartRouter');
  expect(router.activeRouter.name).toBe('RegExpRouter');
});

it('answers an unknown dashboard view with a 404 in the OpenAI error shape', async () => {
  const response = await fetch(`${gateway.url}/dashboard/nope`);
  expect(response.status).toBe(404);
  expect(await response.json()).toMatchObject({ error: { type: 'not_found_error' } });
});
