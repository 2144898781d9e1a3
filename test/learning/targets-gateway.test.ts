// Targets through the real gateway (loopback, fake upstream, SQLite): model-name targets
// (triage@s30, triage/<router>@q95, triage/<router>@b10d, malformed suffixes), the quality target's start-up check, and
// budget pacing under concurrent requests (never over the cap; 429 in OpenAI's shape at the cap).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { createLogger } from '../../src/config/logger.ts';
import { startGateway } from '../../src/server/start.ts';
import { MemoryDecisionStore } from '../../src/store/memory.ts';
import { makeCalibration } from '../store/learning-store.conformance.ts';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { startTestGateway, testConfig, type TestGateway } from '../support/gateway.ts';

let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startFakeUpstream();
});

afterAll(async () => {
  await upstream.close();
});

const post = (url: string, model: string, content: string, extra: Record<string, unknown> = {}) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }], ...extra }),
  });

describe('model-name targets', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ raw: testConfig(upstream.url), learning: true });
  });
  afterAll(async () => {
    await gateway.dispose();
  });

  it('triage@s30 and triage/<router>@s30 hold a 30% share under a canonical router name', async () => {
    let strong = 0;
    const n = 200;
    for (let i = 0; i < n; i++) {
      const response = await post(gateway.url, i % 2 ? 'triage@s30' : 'triage/default@s30', `prompt ${i}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-triage-router')).toBe('default@s30');
      expect(response.headers.get('x-triage-threshold-source')).toBe('share-controller');
      if (response.headers.get('x-triage-model') === 'fake-strong') strong++;
      await response.arrayBuffer();
    }
    expect(Math.abs(strong / n - 0.3)).toBeLessThanOrEqual(0.05);
    // The same router name for both spellings: one controller, bounded names.
    const rows = await gateway.store.decisions({ router: 'default@s30' });
    expect(rows).toHaveLength(n);
  });

  it('/v1/route dry runs do not feed the share controller', async () => {
    for (let i = 0; i < 80; i++) {
      const response = await fetch(`${gateway.url}/v1/route`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'triage/alwaysWeak@s40', messages: [{ role: 'user', content: `dry ${i}` }] }),
      });
      expect(response.status).toBe(200);
      // Still the cold-start prior (1 - 0.4) after more requests than the warm-up.
      expect(response.headers.get('x-triage-threshold')).toBe('0.6');
      await response.arrayBuffer();
    }
  });

  it('@q95 routes at the newest quality calibration, and is a 400 without one', async () => {
    const missing = await post(gateway.url, 'triage@q95', 'hello');
    expect(missing.status).toBe(400);
    const body = (await missing.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('target_unavailable');
    expect(body.error.message).toMatch(/triage calibrate --router default --quality 0.95/);
    const calibration = makeCalibration({ id: 'cal_q95', createdAt: Date.now(), threshold: 0.37, target: { kind: 'quality', quality: 0.95, confidence: false } });
    await gateway.store.saveCalibration(calibration);
    let response: Response | undefined;
    for (let tries = 0; tries < 100; tries++) {
      response = await post(gateway.url, 'triage@q95', 'hello');
      if (response.status === 200) break;
      await response.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(response?.status).toBe(200);
    expect(response?.headers.get('x-triage-calibration-id')).toBe('cal_q95');
    expect(response?.headers.get('x-triage-threshold')).toBe('0.37');
  });

  it('a malformed suffix is a 400 that shows the valid forms; RouteLLM names still work', async () => {
    for (const model of ['triage@x30', 'triage@s101', 'triage@s05', 'triage/default@q0', 'triage@']) {
      const response = await post(gateway.url, model, 'hi');
      expect(response.status, model).toBe(400);
      const body = (await response.json()) as { error: { code: string; message: string; param: string } };
      expect(body.error.code).toBe('invalid_model_target');
      expect(body.error.param).toBe('model');
      expect(body.error.message).toContain('triage/<router>@s<percent>');
    }
    const routeLlm = await post(gateway.url, 'router-random-0.3', 'hi');
    expect(routeLlm.status).toBe(200);
    expect(routeLlm.headers.get('x-triage-threshold')).toBe('0.3');
    expect(routeLlm.headers.get('x-triage-threshold-source')).toBe('config');
  });
});

describe('quality target in the config', () => {
  it('refuses to start without a quality calibration, with a clear error', async () => {
    const raw = testConfig(upstream.url);
    (raw['routers'] as Record<string, unknown>)['careful'] = { strong: 'strong', weak: 'weak', scorer: 'random', target: { quality: 0.95 } };
    const store = new MemoryDecisionStore();
    await expect(
      startGateway({ config: parseConfig(raw, 'test'), env: {}, store, learning: store, log: createLogger('silent'), host: '127.0.0.1', port: 0 }),
    ).rejects.toThrow(/router "careful" has target quality 0.95 but no quality calibration exists/);
  });
});

describe('budget pacing', () => {
  // Each request: ~60 characters (estimated 30 prompt tokens) and max_tokens 10; the fake upstream
  // reports 20 prompt and 10 completion tokens, within what the request allowed.
  const content = 'Please explain, briefly, why the sky looks blue at noon. #';
  const usage = { prompt_tokens: 20, completion_tokens: 10, cached_tokens: 0 };
  const strongCost = (20 * 2 + 10 * 8) / 1e6;

  for (const onExhausted of ['reject', 'weak'] as const) {
    it(`concurrent requests never push strong spend past the cap (onExhausted: ${onExhausted})`, async () => {
      const raw = testConfig(upstream.url);
      const budgetUsd = strongCost * 8.5;
      (raw['routers'] as Record<string, unknown>)['paced'] = {
        // With 'reject', the weak tier is priced like the strong one, so pacing towards weak cannot keep
        // spend under the cap and the cap itself must refuse requests (otherwise whether any 429 shows
        // up depends on how far into the UTC day the test runs).
        strong: 'strong', weak: onExhausted === 'reject' ? 'strong' : 'weak', scorer: 'random', seed: 7, threshold: 0, target: { budgetUsd, period: 'day', onExhausted },
      };
      const gateway = await startTestGateway({ raw, learning: true });
      upstream.setBehaviour({ usage, headersDelayMs: 30 });
      try {
        const responses = await Promise.all(
          Array.from({ length: 40 }, (_, i) => post(gateway.url, 'triage/paced', `${content}${i}`, { max_tokens: 10 })),
        );
        const statuses = responses.map((r) => r.status);
        const bodies = await Promise.all(responses.map((r) => r.json() as Promise<{ error?: { type: string; code: string; message: string } }>));
        const rows = (await gateway.store.decisions({ router: 'paced' })).filter((r) => r.status === 200);
        const spent = rows.reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
        const strongSpent = rows.filter((r) => r.modelAlias === 'strong').reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
        expect(strongSpent).toBeLessThanOrEqual(budgetUsd);
        expect(rows.filter((r) => r.modelAlias === 'strong').length).toBeGreaterThan(0);
        if (onExhausted === 'reject') {
          expect(spent).toBeLessThanOrEqual(budgetUsd);
          expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
          const refused = bodies.find((b) => b.error?.code === 'budget_exhausted');
          expect(refused?.error?.type).toBe('insufficient_quota');
          expect(refused?.error?.message).toMatch(/budget of \$[\d.]+ per day for this router is exhausted/);
          expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
        } else {
          expect(statuses.every((s) => s === 200)).toBe(true);
          // Which brake moves traffic weak depends on the UTC time of day: before about 16:00 the pacing
          // (spend ahead of the day's plan) lifts the threshold to 1 before the cap binds, later the cap
          // downgrades ("budget: weak"). Either way some requests went weak and strong spend stayed under the cap.
          expect(rows.some((r) => r.modelAlias === 'weak' && (r.reason.endsWith('budget: weak') || r.reason.startsWith('score<threshold')))).toBe(true);
        }
      } finally {
        upstream.setBehaviour({ headersDelayMs: 0 });
        await gateway.dispose();
      }
    });
  }
});

describe('budget in the model name', () => {
  it('triage/<router>@b<usd><period> paces at that budget under its own name; a malformed one is a 400', async () => {
    const raw = testConfig(upstream.url);
    // Priced so that one strong request (20 + 10 tokens) costs $3 and reserves $4 (about 30 + 10 tokens).
    (raw['models'] as Record<string, Record<string, unknown>>)['strong']!['pricePerMTok'] = { input: 100_000, output: 100_000 };
    const gateway = await startTestGateway({ raw, learning: true });
    upstream.setBehaviour({ usage: { prompt_tokens: 20, completion_tokens: 10, cached_tokens: 0 }, headersDelayMs: 30 });
    try {
      const content = 'Please explain, briefly, why the sky looks blue at noon. #';
      const responses = await Promise.all(Array.from({ length: 12 }, (_, i) => post(gateway.url, 'triage/alwaysStrong@b10d', `${content}${i}`, { max_tokens: 10 })));
      expect(responses.map((r) => r.status).every((s) => s === 200)).toBe(true);
      expect(responses.every((r) => r.headers.get('x-triage-router') === 'alwaysStrong@b10d')).toBe(true);
      await Promise.all(responses.map((r) => r.arrayBuffer()));
      const rows = (await gateway.store.decisions({ router: 'alwaysStrong@b10d' })).filter((r) => r.status === 200);
      expect(rows).toHaveLength(12);
      const strongSpent = rows.filter((r) => r.modelAlias === 'strong').reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
      expect(strongSpent).toBeGreaterThan(0);
      expect(strongSpent).toBeLessThanOrEqual(10);
      expect(rows.some((r) => r.modelAlias === 'weak')).toBe(true);
      // The configured router itself is not paced: its own name has no target.
      const plain = await post(gateway.url, 'triage/alwaysStrong', 'hello', { max_tokens: 10 });
      expect(plain.headers.get('x-triage-model')).toBe('fake-strong');
      expect(plain.headers.get('x-triage-threshold-source')).not.toBe('budget-pacer');
      await plain.arrayBuffer();

      for (const model of ['triage@b0d', 'triage@b500y', 'triage@b05m', 'triage/default@b1.5d']) {
        const response = await post(gateway.url, model, 'hi');
        expect(response.status, model).toBe(400);
        const body = (await response.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('invalid_model_target');
        expect(body.error.message).toContain('triage/<router>@b<usd><d|w|m>');
        expect(body.error.message).toContain('b = a budget in whole USD');
      }
    } finally {
      upstream.setBehaviour({ headersDelayMs: 0 });
      await gateway.dispose();
    }
  });
});
