// `triage serve` as a real process on a real Postgres (store.kind: postgres, the URL only in the
// environment variable store.urlEnv names): requests are logged to the database and every row is
// there after SIGTERM; /healthz reports the database reachable; a missing URL variable refuses the
// start with a message naming it, and a URL written in the file is refused.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/index.ts';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { suiteDatabases } from '../support/postgres.ts';
import { BIN, spawnGateway } from '../support/spawn-gateway.ts';
import { spawnSync } from 'node:child_process';
import { suiteTempDir } from '../support/temp-dir.ts';

const databases = suiteDatabases('gateway');
const temp = suiteTempDir('triage-pg-serve-');

function writeConfig(upstreamUrl: string, store: string): string {
  const dir = mkdtempSync(join(temp.path, 'config-'));
  const file = join(dir, 'triage.config.yaml');
  writeFileSync(
    file,
    `providers:
  up: { baseUrl: ${upstreamUrl} }
models:
  strong: { provider: up, id: big, pricePerMTok: { input: 2.0, output: 8.0 } }
  weak:   { provider: up, id: small, pricePerMTok: { input: 0, output: 0 } }
routers:
  default: { strong: strong, weak: weak, scorer: random, threshold: 0.5 }
store: ${store}
`,
  );
  return file;
}

describe.skipIf(databases.skip !== null)(`triage serve on Postgres${databases.skip ? ` (skipped: ${databases.skip})` : ''}`, () => {
  let upstream: FakeUpstream;
  beforeAll(async () => {
    upstream = await startFakeUpstream();
  });
  afterAll(async () => {
    await upstream.close();
  });

  it('logs every request to Postgres, flushes on SIGTERM and reports the database in /healthz', async () => {
    const url = await databases.create();
    const config = writeConfig(upstream.url, '{ kind: postgres, urlEnv: MY_PG_URL, flushIntervalMs: 5000 }');
    const gateway = await spawnGateway(['--config', config], { MY_PG_URL: url });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-triage-tags': `n=${i}` },
        body: JSON.stringify({ model: 'triage', messages: [{ role: 'user', content: `question ${i}` }] }),
      });
      expect(response.status).toBe(200);
      ids.push(response.headers.get('x-triage-decision-id') ?? '');
      await response.text();
    }
    const health = await (await fetch(`${gateway.url}/healthz`)).json();
    expect(health).toMatchObject({ status: 'ok', database: { backend: 'postgres', reachable: true, error: null } });
    expect(gateway.stderr()).toContain('"db":"postgres (MY_PG_URL)"');
    expect(gateway.stderr()).not.toContain(url);
    expect(await gateway.stop('SIGTERM')).toBe(0);

    const store = await openPostgresStore(url);
    try {
      const rows = await store.decisions();
      expect(rows.map((row) => row.id).sort()).toEqual([...ids].sort());
      expect(new Set(rows.map((row) => row.tags['n'])).size).toBe(12);
    } finally {
      await store.close();
    }
  }, 90_000);

  it('refuses to start when the URL variable is unset, naming it', () => {
    const config = writeConfig(upstream.url, '{ kind: postgres }');
    const env = { ...process.env };
    delete env['TRIAGE_DATABASE_URL'];
    const result = spawnSync(process.execPath, [BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--config', config], { env, encoding: 'utf8', timeout: 60_000 });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('TRIAGE_DATABASE_URL is not set');
  });

  it('refuses a URL written in the config file itself', () => {
    const config = writeConfig(upstream.url, '{ kind: postgres, url: "postgres://u:secret@db/x" }');
    const result = spawnSync(process.execPath, [BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--config', config], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/store/);
    expect(result.stderr).toMatch(/url/);
  });
});
