// Shadow judging through the real gateway: one fake upstream on loopback plays the strong model,
// the weak model and the judge (test/support/fake-judge.ts), labels land in a real SQLite file.
// Ordering is asserted by events, never by the clock: shadow and judge calls are held at the
// upstream until the client already has its whole answer.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { isJudgeRequest, playTiersAndJudge, STRONG_TEXT, WEAK_TEXT } from '../support/fake-judge.ts';
import { startFakeUpstream, type FakeChatRequest, type FakeUpstream } from '../support/fake-upstream.ts';
import { startTestGateway, testConfig, type TestGateway } from '../support/gateway.ts';
import { makeShadowLabel } from '../store/learning-store.conformance.ts';

const opened: Array<{ close(): Promise<void> } | TestGateway> = [];
afterEach(async () => {
  for (const handle of opened.splice(0).reverse()) await ('dispose' in handle ? handle.dispose() : handle.close());
});

interface Setup {
  upstream: FakeUpstream;
  gateway: TestGateway;
}

/** Router "servedWeak" always serves weak (threshold 1), "servedStrong" always strong; both shadow every request. */
async function setup(shadow: Record<string, unknown> = {}, holdWhen?: (request: FakeChatRequest) => boolean, dbPath?: string): Promise<Setup> {
  const upstream = await startFakeUpstream({ answerFor: playTiersAndJudge({ strong: 'fake-strong', weak: 'fake-weak' }), holdWhen });
  opened.push(upstream);
  const shadowConfig = { sampleRate: 1, judge: 'strong', maxUsdPerDay: 5, concurrency: 1, queueSize: 10, ...shadow };
  const raw = testConfig(upstream.url);
  const routers = raw['routers'] as Record<string, unknown>;
  routers['servedWeak'] = { strong: 'strong', weak: 'weak', scorer: 'random', seed: 7, threshold: 1, shadow: shadowConfig };
  routers['servedStrong'] = { strong: 'strong', weak: 'weak', scorer: 'random', seed: 7, threshold: 0, shadow: shadowConfig };
  const gateway = await startTestGateway({ raw, learning: true, ...(dbPath ? { dbPath } : {}) });
  opened.push(gateway);
  return { upstream, gateway };
}

async function ask(gateway: TestGateway, router: string, content: string, stream = false): Promise<{ id: string; text: string }> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: `triage/${router}`, messages: [{ role: 'user', content }], stream }),
  });
  expect(response.status).toBe(200);
  return { id: response.headers.get('x-triage-decision-id') ?? '', text: await response.text() };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

async function metric(gateway: TestGateway, line: RegExp): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const found = text.split('\n').find((l) => line.test(l));
  return found ? Number(found.split(' ').pop()) : 0;
}

const isShadowOrJudge = (request: FakeChatRequest) => request.model === 'fake-strong' || isJudgeRequest(request);

describe('shadow judging off the request path', () => {
  it('answers the client in full (streamed and plain) while the shadow call is still held upstream', async () => {
    let holding = true;
    const { upstream, gateway } = await setup({ concurrency: 1, queueSize: 5 }, (request) => holding && isShadowOrJudge(request));
    const events: string[] = [];
    const first = await ask(gateway, 'servedWeak', 'Name a prime. [verdict:strong]', true);
    events.push('client 1 complete');
    expect(first.text).toContain('[DONE]');
    expect(first.text).toContain('weak model');
    await until(() => upstream.heldCount === 1, 'the shadow call to reach the upstream');
    events.push('shadow call held');
    // A second client request is answered while the first shadow job is still stuck upstream.
    const second = await ask(gateway, 'servedWeak', 'Name another prime. [verdict:strong]');
    events.push('client 2 complete');
    expect(JSON.parse(second.text).choices[0].message.content).toBe(WEAK_TEXT);
    expect(await gateway.store.shadowLabels()).toEqual([]);
    holding = false;
    upstream.releaseHeld();
    events.push('released');
    await gateway.shadow!.idle();
    expect(events).toEqual(['client 1 complete', 'shadow call held', 'client 2 complete', 'released']);
    const labels = await gateway.store.shadowLabels();
    expect(labels.map((l) => l.decisionId).sort()).toEqual([first.id, second.id].sort());
    // The client's request never carried the shadow's non-streaming max_tokens, and the shadow call was not streamed.
    const shadowCalls = upstream.requests.filter((r) => r.body?.model === 'fake-strong' && !isJudgeRequest(r.body));
    expect(shadowCalls).toHaveLength(2);
    expect(shadowCalls.every((r) => r.body.stream === false && r.body.max_tokens === 1024)).toBe(true);
  });

  it('stores one label row per verdict pattern, with models, tokens and cost, and no prompt text', async () => {
    const { gateway } = await setup();
    const cases = [
      { marker: 'strong', first: 'A', second: 'B', label: 'strong_needed' },
      { marker: 'weak', first: 'B', second: 'A', label: 'weak_ok' },
      { marker: 'tie', first: 'C', second: 'C', label: 'tie' },
      { marker: 'garbage', first: 'unparsable', second: 'unparsable', label: 'unusable' },
      { marker: 'first', first: 'A', second: 'A', label: 'inconsistent' },
    ] as const;
    const ids: string[] = [];
    for (const c of cases) ids.push((await ask(gateway, 'servedWeak', `Secret question about ${c.marker} pumpkins [verdict:${c.marker}]`)).id);
    await gateway.shadow!.idle();
    const labels = await gateway.store.shadowLabels();
    expect(labels).toHaveLength(cases.length);
    for (const [i, c] of cases.entries()) {
      const label = labels.find((l) => l.decisionId === ids[i]);
      const decision = await gateway.store.get(ids[i]!);
      expect(label, c.marker).toMatchObject({
        router: 'servedWeak', servedTier: 'weak', strongModel: 'fake-strong', weakModel: 'fake-weak', judgeModel: 'fake-strong',
        verdictStrongFirst: c.first, verdictWeakFirst: c.second, label: c.label, promptHash: decision?.promptHash,
        shadowTokensIn: 12, shadowTokensOut: 7, judgeTokensIn: 24, judgeTokensOut: 14, error: null,
      });
      // Shadow call and two judge calls, each 12 prompt + 7 completion tokens on the strong model ($2 / $8 per M).
      expect(label?.costUsd).toBeCloseTo((3 * (12 * 2 + 7 * 8)) / 1_000_000, 12);
    }
    await gateway.store.flush();
    for (const file of [gateway.dbPath, `${gateway.dbPath}-wal`]) {
      if (existsSync(file)) expect(readFileSync(file).includes('pumpkins')).toBe(false);
    }
    expect(await metric(gateway, /^triage_shadow_labels_total\{label="tie",router="servedWeak"\}/)).toBe(1);
    expect(await metric(gateway, /^triage_shadow_cost_usd_total\{router="servedWeak"\}/)).toBeCloseTo((15 * 80) / 1_000_000, 12);
  });

  it('judges a strong-served answer against the weak shadow, strong answer shown first in the first order', async () => {
    const { upstream, gateway } = await setup();
    const { id } = await ask(gateway, 'servedStrong', 'Prove it. [verdict:weak]', true);
    await gateway.shadow!.idle();
    const [label] = await gateway.store.shadowLabels();
    expect(label).toMatchObject({ decisionId: id, servedTier: 'strong', verdictStrongFirst: 'B', verdictWeakFirst: 'A', label: 'weak_ok' });
    const judgeCalls = upstream.requests.filter((r) => isJudgeRequest(r.body));
    expect(judgeCalls).toHaveLength(2);
    const prompt = (r: (typeof judgeCalls)[number]) => String(r.body.messages[1].content);
    expect(prompt(judgeCalls[0]!).indexOf(STRONG_TEXT)).toBeLessThan(prompt(judgeCalls[0]!).indexOf(WEAK_TEXT));
    expect(prompt(judgeCalls[1]!).indexOf(WEAK_TEXT)).toBeLessThan(prompt(judgeCalls[1]!).indexOf(STRONG_TEXT));
  });

  it('keeps at most concurrency + queueSize jobs and counts the drops in /metrics', async () => {
    let holding = true;
    const { upstream, gateway } = await setup({ concurrency: 1, queueSize: 1 }, (request) => holding && isShadowOrJudge(request));
    for (let i = 0; i < 4; i++) await ask(gateway, 'servedWeak', `Question ${i} [verdict:strong]`);
    await until(() => upstream.heldCount === 1, 'the first shadow call');
    expect(gateway.shadow!.pending).toBe(2);
    expect(await metric(gateway, /^triage_shadow_dropped_total\{reason="queue_full",router="servedWeak"\}/)).toBe(2);
    expect(await metric(gateway, /^triage_shadow_sampled_total\{router="servedWeak"\}/)).toBe(4);
    holding = false;
    upstream.releaseHeld();
    await gateway.shadow!.idle();
    expect(await gateway.store.shadowLabels()).toHaveLength(2);
  });

  it('reserves the worst case before sending: a second job that would not fit beside the first is dropped', async () => {
    let holding = true;
    // One job's worst case here (1024 shadow tokens, two judge calls of 512) lies between half the cap and the cap; its real cost is $0.00024.
    const { upstream, gateway } = await setup({ concurrency: 2, queueSize: 0, maxUsdPerDay: 0.035 }, (request) => holding && isShadowOrJudge(request));
    await ask(gateway, 'servedWeak', 'One [verdict:strong]');
    await ask(gateway, 'servedWeak', 'Two [verdict:strong]');
    await until(() => upstream.heldCount === 1, 'the first shadow call');
    await until(() => gateway.shadow!.pending === 1, 'the second job to be refused');
    expect(await metric(gateway, /^triage_shadow_dropped_total\{reason="daily_cap",router="servedWeak"\}/)).toBe(1);
    holding = false;
    upstream.releaseHeld();
    await gateway.shadow!.idle();
    // Settled at its real cost, the first job leaves room for the next.
    await ask(gateway, 'servedWeak', 'Three [verdict:strong]');
    await gateway.shadow!.idle();
    const labels = await gateway.store.shadowLabels();
    expect(labels).toHaveLength(2);
    const spent = await gateway.store.shadowSpend({ router: 'servedWeak' });
    expect(spent.costUsd).toBeLessThanOrEqual(0.035);
  });

  it('counts spend stored earlier today against the cap after a restart, and sends nothing past it', async () => {
    // Spend recorded earlier today (by an earlier run of the gateway) in the same log file.
    const dir = mkdtempSync(join(tmpdir(), 'triage-shadow-'));
    opened.push({ close: async () => rmSync(dir, { recursive: true, force: true }) });
    const dbPath = join(dir, 'triage.db');
    const earlier = openSqliteStore(dbPath);
    await earlier.saveShadowLabel(makeShadowLabel({ router: 'servedWeak', ts: Date.now(), costUsd: 0.02 }));
    await earlier.close();
    const { upstream, gateway } = await setup({ maxUsdPerDay: 0.03 }, undefined, dbPath);
    for (let i = 0; i < 3; i++) await ask(gateway, 'servedWeak', `Capped ${i} [verdict:strong]`);
    await gateway.shadow!.idle();
    expect(await metric(gateway, /^triage_shadow_dropped_total\{reason="daily_cap",router="servedWeak"\}/)).toBe(3);
    expect(upstream.requests.filter((r) => r.body?.model === 'fake-strong')).toHaveLength(0);
    expect(await gateway.store.shadowLabels()).toHaveLength(1);
  });

  it('stores an unusable row (never a guess) when the shadow call fails, and the client is unaffected', async () => {
    const { upstream, gateway } = await setup();
    upstream.setBehaviour({ answerFor: playTiersAndJudge({ strong: 'fake-strong', weak: 'fake-weak' }), respondWith: { status: 500, body: { error: { message: 'boom' } }, model: 'fake-strong' } });
    const { text } = await ask(gateway, 'servedWeak', 'Fails [verdict:strong]');
    expect(JSON.parse(text).choices[0].message.content).toBe(WEAK_TEXT);
    await gateway.shadow!.idle();
    const [label] = await gateway.store.shadowLabels();
    expect(label).toMatchObject({ label: 'unusable', verdictStrongFirst: 'unparsable', verdictWeakFirst: 'unparsable', costUsd: 0 });
    expect(label?.error).toMatch(/shadow call to strong failed: upstream status 500/);
  });
});
