// `triage serve` as a real process with the documented config (its upstream pointed at a fake
// server): a streamed request arrives chunk by chunk, and after SIGTERM its row — tokens and cost —
// is in the SQLite file.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { spawnGateway } from '../support/spawn-gateway.ts';

let upstream: FakeUpstream;
let local: FakeUpstream;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  local = await startFakeUpstream();
});

afterAll(async () => {
  await upstream.close();
  await local.close();
});

it('streams through the documented config and flushes the log on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'triage-serve-'));
  const configFile = join(dir, 'triage.config.yaml');
  writeFileSync(
    configFile,
    `providers:
  openai: { baseUrl: ${upstream.url}, apiKeyEnv: OPENAI_API_KEY }
  local:  { baseUrl: ${local.url} }
models:
  strong: { provider: openai, id: gpt-4.1, pricePerMTok: { input: 2.0, output: 8.0, cachedInput: 0.5 } }
  weak:   { provider: local,  id: llama3.1:8b, pricePerMTok: { input: 0, output: 0 } }
routers:
  default: { strong: strong, weak: weak, scorer: random, threshold: 0.5 }
`,
  );
  const dbPath = join(dir, 'log.db');
  const gateway = await spawnGateway(['--config', configFile, '--db', dbPath], { OPENAI_API_KEY: 'sk-test-never-logged' });
  upstream.setBehaviour({ text: 'a b c d e f', chunks: 6, chunkDelayMs: 40, usage: { prompt_tokens: 400, completion_tokens: 6, cached_tokens: 100 } });
  local.setBehaviour({ text: 'a b c d e f', chunks: 6, chunkDelayMs: 40, usage: { prompt_tokens: 400, completion_tokens: 6, cached_tokens: 0 } });

  const ids: string[] = [];
  const arrivals: number[] = [];
  // Mode "plan" pins the strong model so the price check below is exact.
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-triage-mode': 'plan', 'x-triage-tags': 'feature=planner' },
    body: JSON.stringify({ model: 'triage', stream: true, messages: [{ role: 'user', content: 'Plan a trip' }] }),
  });
  expect(response.status).toBe(200);
  ids.push(response.headers.get('x-triage-decision-id')!);
  const reader = response.body!.getReader();
  for (;;) {
    const { done } = await reader.read();
    if (done) break;
    arrivals.push(performance.now());
  }
  // Six content chunks 40 ms apart arrive spread out, not in one burst at the end.
  expect(arrivals.length).toBeGreaterThanOrEqual(4);
  expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(120);

  // A burst of requests right before the signal: all must be on disk after shutdown.
  for (let i = 0; i < 20; i++) {
    const r = await fetch(`${gateway.url}/v1/route`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'triage', messages: [{ role: 'user', content: `question ${i}` }] }),
    });
    ids.push(r.headers.get('x-triage-decision-id')!);
  }
  expect(await gateway.stop('SIGTERM')).toBe(0);
  expect(gateway.stderr()).not.toContain('sk-test-never-logged');

  const db = new Database(dbPath, { readonly: true });
  try {
    const rows = db.prepare(`SELECT * FROM decisions`).all() as Array<Record<string, unknown>>;
    expect(rows.map((r) => r['id']).sort()).toEqual([...ids].sort());
    const streamed = rows.find((r) => r['id'] === ids[0])!;
    expect(streamed).toMatchObject({ model_id: 'gpt-4.1', status: 200, prompt_tokens: 400, completion_tokens: 6, cached_tokens: 100 });
    expect(streamed['cost_usd']).toBeCloseTo((300 * 2 + 100 * 0.5 + 6 * 8) / 1e6, 12);
    expect(JSON.parse(String(streamed['tags']))).toEqual({ feature: 'planner' });
  } finally {
    db.close();
  }
}, 90_000);

it('on SIGTERM lets a stream longer than 5 s finish, logs it, then exits 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'triage-serve-long-'));
  const configFile = join(dir, 'triage.config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      providers: { up: { baseUrl: upstream.url } },
      models: { strong: { provider: 'up', id: 's' }, weak: { provider: 'up', id: 'w' } },
      routers: { default: { strong: 'strong', weak: 'weak', scorer: 'random', threshold: 0.5 } },
    }),
  );
  const dbPath = join(dir, 'log.db');
  const gateway = await spawnGateway(['--config', configFile, '--db', dbPath]);
  upstream.setBehaviour({ text: 'a b c d e f g', chunks: 7, chunkDelayMs: 800 });
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'triage', stream: true, messages: [{ role: 'user', content: 'go' }] }),
  });
  const id = response.headers.get('x-triage-decision-id')!;
  const body = response.text();
  const exited = gateway.stop('SIGTERM');
  expect(await body).toContain('data: [DONE]');
  expect(await exited).toBe(0);
  const db = new Database(dbPath, { readonly: true });
  try {
    expect(db.prepare('SELECT status FROM decisions WHERE id = ?').get(id)).toEqual({ status: 200 });
  } finally {
    db.close();
  }
}, 90_000);
