// `triage report` shows how well each router with a stated target held it: the live strong share
// against a strongShare target, in the text and under `targetAdherence` in the JSON, equal to a
// count over the seeded rows. A config without targets adds nothing.

import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { BIN } from '../support/spawn-gateway.ts';
import { suiteTempDir } from '../support/temp-dir.ts';
import { reportConfigRaw, usageRecord } from '../support/usage-rows.ts';

const exec = promisify(execFile);
const dir = suiteTempDir('triage-report-targets-');
let db = '';
let withTarget = '';
let withoutTarget = '';

beforeAll(async () => {
  db = join(dir.path, 'log.db');
  const store = openSqliteStore(db);
  const now = Date.now();
  // 40 routed calls on "default": 13 strong (32.5%).
  for (let i = 0; i < 40; i++) {
    const strong = i < 13;
    store.log(usageRecord({ id: `r${i}`, createdAt: now - 60_000 + i, tier: strong ? 'strong' : 'weak', modelAlias: strong ? 'big' : 'small', reason: strong ? 'score>=threshold' : 'score<threshold' }));
  }
  await store.close();
  withTarget = join(dir.path, 'target.json');
  const routers = { ...reportConfigRaw.routers, default: { ...reportConfigRaw.routers.default, target: { strongShare: 0.3 } } };
  writeFileSync(withTarget, JSON.stringify({ ...reportConfigRaw, routers }));
  withoutTarget = join(dir.path, 'plain.json');
  writeFileSync(withoutTarget, JSON.stringify(reportConfigRaw));
});

it('prints target adherence for routers with a target, in text and JSON', { timeout: 120_000 }, async () => {
  const [text, json, plain] = await Promise.all([
    exec(process.execPath, [BIN, 'report', '--db', db, '--config', withTarget]),
    exec(process.execPath, [BIN, 'report', '--db', db, '--config', withTarget, '--json']),
    exec(process.execPath, [BIN, 'report', '--db', db, '--config', withoutTarget, '--json']),
  ]);
  expect(text.stdout).toContain('target adherence');
  expect(text.stdout).toMatch(/^default +strongShare 0\.3 +40 +32\.5%/m);
  const report = JSON.parse(json.stdout) as { targetAdherence: Array<{ router: string; requests: number; liveShare: number; targetShare: number | null }> };
  expect(report.targetAdherence).toEqual([expect.objectContaining({ router: 'default', requests: 40, liveShare: 13 / 40, targetShare: 0.3 })]);
  expect((JSON.parse(plain.stdout) as { targetAdherence: unknown[] }).targetAdherence).toEqual([]);
});
