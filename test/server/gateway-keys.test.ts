// Gateway keys as first-class objects, against the real gateway and its SQLite file: stored hashed,
// tags on every row, allowed models, spend limits held under concurrency by reservations (429 in
// OpenAI's shape past the limit), revocation seen by a running gateway, admin endpoints, and the
// `triage keys` CLI writing keys a gateway then accepts.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { startTestGateway, testConfig, type TestGateway } from '../support/gateway.ts';
import { BIN } from '../support/spawn-gateway.ts';

const run = promisify(execFile);
let upstream: FakeUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  gateway = await startTestGateway({ raw: testConfig(upstream.url), env: { TRIAGE_ADMIN_KEY: 'admin-secret-1' } });
});
afterAll(async () => {
  await gateway.dispose();
  await upstream.close();
});

const chat = (key: string, body: object = {}) =>
  fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: 'triage/alwaysStrong', messages: [{ role: 'user', content: 'hi' }], ...body }),
  });

describe('stored gateway keys', () => {
  it('keeps only the hash, tags every row, and limits the models a key may use', async () => {
    const { key, secret } = await gateway.store.createKey({ name: 'search', tags: { team: 'search' }, models: ['triage/alwaysStrong'] });
    await gateway.ctx.keys.refresh(true);
    const ok = await chat(secret, { user: 'u1' });
    expect(ok.status).toBe(200);
    const row = await gateway.store.get(ok.headers.get('x-triage-decision-id') ?? '');
    expect(row).toMatchObject({ keyId: key.id, tags: { team: 'search', user: 'u1' } });
    const other = await chat(secret, { model: 'triage/alwaysWeak' });
    expect(other.status).toBe(403);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('model_not_allowed');
    const raw = new Database(gateway.dbPath, { readonly: true });
    try {
      expect(JSON.stringify(raw.prepare('SELECT * FROM gateway_keys').all())).not.toContain(secret);
    } finally {
      raw.close();
    }
  });

  it('never lets concurrent requests overshoot a spend limit', async () => {
    const budget = 0.01;
    const { key, secret } = await gateway.store.createKey({ name: 'capped', budget: { usd: budget, period: 'day' } });
    await gateway.ctx.keys.refresh(true);
    const responses = await Promise.all(Array.from({ length: 200 }, () => chat(secret, { max_tokens: 50 })));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    const refused = responses.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    const body = (await refused[0]!.json()) as { error: { type: string; code: string; message: string } };
    expect(body.error).toMatchObject({ type: 'insufficient_quota', code: 'key_budget_exhausted' });
    expect(body.error.message).toContain('$0.01 per day');
    // The refusal names its logged row, like every other answer.
    const refusedRow = await gateway.store.get(refused[0]!.headers.get('x-triage-decision-id') ?? '');
    expect(refusedRow).toMatchObject({ status: 429, keyId: key.id });
    const spent = await gateway.store.spentSince(key.id, 0);
    expect(spent).toBeGreaterThan(budget * 0.5);
    expect(spent).toBeLessThanOrEqual(budget);
  });

  it('stops accepting a revoked key on the running gateway', async () => {
    const { key, secret } = await gateway.store.createKey({ name: 'temp' });
    await gateway.ctx.keys.refresh(true);
    expect((await chat(secret)).status).toBe(200);
    await gateway.store.revokeKey(key.id);
    await expect.poll(async () => (await chat(secret)).status, { timeout: 5000, interval: 200 }).toBe(401);
  });

  it('guards admin endpoints: the admin key lists keys without secrets, others are refused', async () => {
    const { secret } = await gateway.store.createKey({ name: 'plain' });
    const list = (key: string) => fetch(`${gateway.url}/admin/keys`, { headers: { authorization: `Bearer ${key}` } });
    expect((await list(secret)).status).toBe(403);
    expect((await list('nope')).status).toBe(401);
    const admin = await list('admin-secret-1');
    expect(admin.status).toBe(200);
    const text = await admin.text();
    expect(text).toContain('"name":"plain"');
    expect(text).not.toContain(secret);
  });
});

it('`triage keys` creates, lists and revokes keys in the database file', async () => {
  const dbPath = gateway.dbPath;
  const created = await run(process.execPath, [BIN, 'keys', 'create', '--name', 'cli', '--tags', 'team=cli', '--budget', '5/month', '--db', dbPath]);
  const [secret, line] = created.stdout.trim().split('\n');
  expect(secret).toMatch(/^tk_/);
  expect(line).toContain('$5/month');
  await gateway.ctx.keys.refresh(true);
  expect((await chat(secret ?? '')).status).toBe(200);
  const listed = await run(process.execPath, [BIN, 'keys', 'list', '--json', '--db', dbPath]);
  const keys = JSON.parse(listed.stdout) as Array<{ id: string; name: string }>;
  const id = keys.find((k) => k.name === 'cli')?.id ?? '';
  expect(listed.stdout).not.toContain(secret);
  await run(process.execPath, [BIN, 'keys', 'revoke', id, '--db', dbPath]);
  await expect.poll(async () => (await chat(secret ?? '')).status, { timeout: 5000, interval: 200 }).toBe(401);
});
