// Regression tests for the smaller hardening defects: malformed HTTP gets an OpenAI-shaped 400/431,
// UTF-8 in x-triage-tags, bounded metadata and user tags, refusing to start when a scorer cannot
// load (unless degraded start is asked for), and a SIGHUP that flushes the log of `triage serve`.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/config/logger.ts';
import { parseConfig } from '../../src/config/load.ts';
import { ScorerUnavailableError, startGateway } from '../../src/server/start.ts';
import { MemoryDecisionStore } from '../../src/store/memory.ts';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { startTestGateway, testConfig, type TestGateway } from '../support/gateway.ts';
import { spawnGateway } from '../support/spawn-gateway.ts';

let upstream: FakeUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  gateway = await startTestGateway({ raw: testConfig(upstream.url) });
});
afterAll(async () => {
  await gateway.dispose();
  await upstream.close();
});

/** Writes raw bytes to the gateway and returns everything it answers before closing. */
function rawExchange(bytes: Buffer | string): Promise<string> {
  const { port } = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(bytes));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('malformed HTTP', () => {
  it('answers garbage with a 400 in OpenAI error shape', async () => {
    const answer = await rawExchange('THIS IS NOT HTTP\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { error: { code: string; type: string } };
    expect(body.error).toMatchObject({ code: 'malformed_request', type: 'invalid_request_error' });
  });

  it('answers oversized headers with a 431 in OpenAI error shape', async () => {
    const answer = await rawExchange(`GET /healthz HTTP/1.1\r\nHost: x\r\nx-big: ${'a'.repeat(40_000)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer).toContain('"code":"headers_too_large"');
  });
});

describe('tags', () => {
  it('reads UTF-8 in x-triage-tags as UTF-8', async () => {
    const body = JSON.stringify({ model: 'triage', messages: [{ role: 'user', content: 'hi' }] });
    const head = Buffer.from(
      `POST /v1/route HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-triage-tags: team=équipe,city=Zürich\r\nconnection: close\r\n\r\n`,
      'utf8',
    );
    const answer = await rawExchange(Buffer.concat([head, Buffer.from(body)]));
    const id = /"id":"(dec_[0-9a-f]+)"/.exec(answer)?.[1] ?? '';
    expect((await gateway.store.get(id))?.tags).toEqual({ team: 'équipe', city: 'Zürich' });
  });

  it('bounds metadata like OpenAI does and truncates a long user', async () => {
    const post = (extra: object) =>
      fetch(`${gateway.url}/v1/route`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'triage', messages: [{ role: 'user', content: 'hi' }], ...extra }) });
    const seventeen = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']));
    expect((await post({ metadata: seventeen })).status).toBe(400);
    expect((await post({ metadata: { k: 'v'.repeat(513) } })).status).toBe(400);
    expect((await post({ metadata: { ['k'.repeat(65)]: 'v' } })).status).toBe(400);
    const long = await post({ user: 'u'.repeat(5000) });
    const { id } = (await long.json()) as { id: string };
    expect((await gateway.store.get(id))?.tags['user']).toHaveLength(256);
    const many = Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(',');
    const tooMany = await fetch(`${gateway.url}/v1/route`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-triage-tags': many },
      body: JSON.stringify({ model: 'triage', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(tooMany.status).toBe(400);
  });
});

describe('a scorer that cannot load', () => {
  const raw = () => {
    const config = testConfig(upstream.url);
    const routers = config['routers'] as Record<string, Record<string, unknown>>;
    routers['default'] = { strong: 'strong', weak: 'weak', scorer: 'learned', model: 'no-such-model' };
    return config;
  };

  it('refuses to start, naming the router and the way out', async () => {
    const config = parseConfig(raw(), 'test');
    const start = startGateway({ config, env: {}, store: new MemoryDecisionStore(), log: createLogger('silent'), host: '127.0.0.1', port: 0 });
    await expect(start).rejects.toThrow(ScorerUnavailableError);
    await expect(startGateway({ config, env: {}, store: new MemoryDecisionStore(), log: createLogger('silent'), host: '127.0.0.1', port: 0 })).rejects.toThrow(
      /router default: its scorer cannot load .*--degraded-start/,
    );
  });

  it('starts with allowDegradedStart and sends that router to the strong model', async () => {
    const config = parseConfig(raw(), 'test');
    config.server.allowDegradedStart = true;
    const running = await startGateway({ config, env: {}, store: new MemoryDecisionStore(), log: createLogger('silent'), host: '127.0.0.1', port: 0 });
    try {
      const response = await fetch(`${running.url}/v1/route`, { method: 'POST', body: JSON.stringify({ model: 'triage', messages: [{ role: 'user', content: 'hi' }] }) });
      expect(await response.json()).toMatchObject({ tier: 'strong', fallback_used: true });
    } finally {
      await running.close();
    }
  });
});

it('`triage serve` flushes the log and exits cleanly on SIGHUP', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'triage-hup-'));
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
  const served = await spawnGateway(['--config', configFile, '--db', dbPath]);
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) {
    const response = await fetch(`${served.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'triage', messages: [{ role: 'user', content: `q${i}` }] }) });
    ids.push(response.headers.get('x-triage-decision-id') ?? '');
  }
  expect(await served.stop('SIGHUP')).toBe(0);
  const db = new Database(dbPath, { readonly: true });
  try {
    const logged = (db.prepare('SELECT id FROM decisions').all() as Array<{ id: string }>).map((row) => row.id);
    expect(logged.sort()).toEqual([...ids].sort());
  } finally {
    db.close();
  }
}, 90_000);

describe('start-up warnings', () => {
  it('warns about a provider with no key and about an open bind without auth, never printing a key', async () => {
    const lines: string[] = [];
    const config = parseConfig(testConfig(upstream.url), 'test');
    const running = await startGateway({
      config,
      env: { FAKE_STRONG_KEY: 'sk-never-printed' },
      store: new MemoryDecisionStore(),
      log: createLogger('info', (line) => lines.push(line)),
      host: '0.0.0.0',
      port: 0,
    });
    await running.close();
    const text = lines.join('');
    expect(text).toContain('"event":"provider_without_key","provider":"weakProvider"');
    expect(text).toContain('"event":"open_without_auth"');
    expect(text).not.toContain('"provider":"strongProvider"');
    expect(text).not.toContain('sk-never-printed');
  });
});
