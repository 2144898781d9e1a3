// Live pickup: a running `triage serve` child process applies a calibration written by
// `triage calibrate` (another process, same SQLite file) within seconds, with no restart and no
// failed request, stamps x-triage-calibration-id on responses and rows, and goes back on rollback.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { BIN, spawnGateway } from '../support/spawn-gateway.ts';

const run = promisify(execFile);
let upstream: FakeUpstream;
let dir: string;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  dir = mkdtempSync(join(tmpdir(), 'triage-pickup-'));
});

afterAll(async () => {
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

async function chat(url: string, i: number): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'triage', messages: [{ role: 'user', content: `question number ${i}: why is the sky blue?` }] }),
  });
}

async function cli(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, LOG_LEVEL: 'silent' } });
  return stdout;
}

it('picks up a new calibration live, then the previous state after rollback', async () => {
  const config = join(dir, 'triage.config.yaml');
  const db = join(dir, 'log.db');
  writeFileSync(
    config,
    `providers:
  up: { baseUrl: ${upstream.url} }
models:
  strong: { provider: up, id: fake-strong, pricePerMTok: { input: 2, output: 8 } }
  weak:   { provider: up, id: fake-weak, pricePerMTok: { input: 0.1, output: 0.2 } }
routers:
  default: { strong: strong, weak: weak, scorer: random, seed: 7, threshold: 0.5 }
`,
  );
  const gateway = await spawnGateway(['--config', config, '--db', db]);
  try {
    let i = 0;
    for (; i < 80; i++) {
      const response = await chat(gateway.url, i);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-triage-calibration-id')).toBe('none');
      expect(response.headers.get('x-triage-threshold')).toBe('0.5');
      await response.arrayBuffer();
    }
    // Wait until the gateway's batched writes are on disk, so calibrate sees the traffic.
    const raw = new Database(db, { readonly: true });
    for (let tries = 0; tries < 100 && Number(raw.prepare('SELECT count(*) FROM decisions').pluck().get()) < 80; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    raw.close();

    const printed = await cli(['calibrate', '--strong-share', '0.2', '--window', '1000', '--db', db, '--config', config, '--svg', '-', '--json']);
    const calibration = JSON.parse(printed).calibration as { id: string; threshold: number; expectedShare: number };
    expect(calibration.expectedShare).toBeCloseTo(0.2, 1);

    // Keep sending; every request must succeed, and the new calibration must arrive within 10 s.
    let pickedUp: Response | undefined;
    for (let tries = 0; tries < 200 && !pickedUp; tries++, i++) {
      const response = await chat(gateway.url, i);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      if (response.headers.get('x-triage-calibration-id') === calibration.id) pickedUp = response;
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(pickedUp, 'calibration not applied within 10 s').toBeDefined();
    expect(Number(pickedUp!.headers.get('x-triage-threshold'))).toBeCloseTo(calibration.threshold, 9);
    expect(pickedUp!.headers.get('x-triage-threshold-source')).toBe('calibration');
    const pickedId = pickedUp!.headers.get('x-triage-decision-id');

    const rolledBack = await cli(['calibrate', '--rollback', '--db', db, '--config', config]);
    expect(rolledBack).toMatch(/no calibration left; the configured threshold applies/);
    let back = false;
    for (let tries = 0; tries < 200 && !back; tries++, i++) {
      const response = await chat(gateway.url, i);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      back = response.headers.get('x-triage-calibration-id') === 'none' && response.headers.get('x-triage-threshold') === '0.5';
      if (!back) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(back, 'rollback not applied within 10 s').toBe(true);

    expect(await gateway.stop()).toBe(0);
    const check = new Database(db, { readonly: true });
    const row = check.prepare('SELECT calibration_id, threshold FROM decisions WHERE id = ?').get(pickedId) as { calibration_id: string; threshold: number };
    expect(row.calibration_id).toBe(calibration.id);
    expect(row.threshold).toBeCloseTo(calibration.threshold, 9);
    const listed = await cli(['calibrate', '--list', '--db', db, '--config', config]);
    expect(listed).toContain(calibration.id);
    expect(listed).toContain('rolled back');
    check.close();
  } finally {
    if (gateway.child.exitCode === null) await gateway.stop();
  }
}, 90_000);
