// The usage report over rows the real gateway wrote (fake upstream on loopback, SQLite file):
// routed, RouteLLM-named and pass-through calls are upstream calls priced against the strong
// model; /v1/route dry runs and rejected 400s land on their own lines, not in the calls.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { usageReport } from '../../src/routing/usage-report.ts';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { startTestGateway, testConfig, type TestGateway } from '../support/gateway.ts';

let upstream: FakeUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream({ usage: { prompt_tokens: 1000, completion_tokens: 500, cached_tokens: 200 } });
  gateway = await startTestGateway({ raw: testConfig(upstream.url) });
});

afterAll(async () => {
  await gateway.dispose();
  await upstream.close();
});

async function post(path: string, body: unknown): Promise<number> {
  const response = await fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

it('counts only upstream calls, prices them on the strong model, and keeps dry runs and rejections apart', async () => {
  const messages = [{ role: 'user', content: 'hello' }];
  expect(await post('/v1/chat/completions', { model: 'triage/alwaysWeak', messages })).toBe(200);
  expect(await post('/v1/chat/completions', { model: 'router-random-0', messages })).toBe(200);
  expect(await post('/v1/chat/completions', { model: 'weak', messages })).toBe(200);
  expect(await post('/v1/route', { model: 'triage/alwaysStrong', messages })).toBe(200);
  expect(await post('/v1/chat/completions', { model: 'no-such-model', messages })).toBe(400);
  expect(await post('/v1/route', '{not json')).toBe(400);
  await gateway.store.flush();

  const report = await usageReport(gateway.store, parseConfig(testConfig(upstream.url), 'test'), { groupBy: { dimension: 'router' } });
  // 800 uncached + 200 cached prompt and 500 completion tokens: weak ($0.1 in, $0.2 out, no cached
  // price) $0.0002; strong ($2 / $0.5 cached / $8) $0.0057.
  expect(report.upstream).toMatchObject({
    requests: 3, routedRequests: 2, strongRequests: 1, passthroughRequests: 1, unpricedRequests: 0,
    promptTokens: 3000, cachedTokens: 600, completionTokens: 1500, totalTokens: 4500,
  });
  expect(report.upstream.costUsd).toBeCloseTo(0.0002 + 0.0057 + 0.0002, 12);
  expect(report.upstream.allStrongCostUsd).toBeCloseTo(0.0057 + 0.0057 + 0.0002, 12);
  expect(report.dryRuns).toStrictEqual({ requests: 1, routedRequests: 1, strongRequests: 1, strongShare: 1 });
  expect(report.rejected).toStrictEqual({ requests: 2 });
  // Equal tokens: the higher cost first, then by key (pass-through calls have router "").
  expect(report.groups.map((group) => [group.key, group.requests])).toStrictEqual([['router-random-0', 1], ['', 1], ['alwaysWeak', 1]]);
});
