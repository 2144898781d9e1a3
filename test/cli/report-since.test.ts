// `triage report --since`: only rows newer than the window are added up, per tag and per model,
// from a real SQLite log read by the CLI as a child process.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import type { DecisionRecord } from '../../src/store/store.ts';
import { BIN } from '../support/spawn-gateway.ts';

const run = promisify(execFile);
const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'triage-report-since-'));
const db = join(dir, 'log.db');

function record(id: string, ageMs: number, model: string, cost: number): DecisionRecord {
  return {
    id, createdAt: Date.now() - ageMs, kind: 'chat', router: 'default', scorer: 'random', tags: { feature: 'search' }, mode: null, taskType: null,
    promptHash: id, promptText: null, score: 0.5, threshold: 0.5, tier: 'strong', reason: 'test',
    modelAlias: model, modelId: `${model}-id`, provider: 'p', fallbackUsed: false, stream: false, status: 200, error: null,
    promptTokens: 100, completionTokens: 10, cachedTokens: 0, costUsd: cost, decisionMs: 1, latencyMs: 10, ttfbMs: 5, keyId: null,
  };
}

beforeAll(async () => {
  const store = openSqliteStore(db);
  store.log(record('now', 0, 'strong', 1));
  store.log(record('two-hours', 2 * HOUR, 'strong', 2));
  store.log(record('three-days', 72 * HOUR, 'weak', 4));
  store.log(record('ten-days', 240 * HOUR, 'weak', 8));
  await store.close();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function report(...args: string[]): Promise<Array<{ key: string; requests: number; costUsd: number }>> {
  const report = JSON.parse((await run(process.execPath, [BIN, 'report', '--db', db, '--json', ...args])).stdout) as { groups: Array<{ key: string; requests: number; costUsd: number }> };
  return report.groups;
}

// Each CLI run is a child process (several seconds on a loaded machine), so the windows are few.
it('adds up only the rows inside the --since window', { timeout: 120_000 }, async () => {
  const [all, day, week] = await Promise.all([
    report('--by-model'),
    report('--by-model', '--since', '24h'),
    report('--by', 'feature', '--since', '7d'),
  ]);
  expect(all).toHaveLength(2);
  expect(all).toEqual(expect.arrayContaining([
    expect.objectContaining({ key: 'weak', requests: 2, costUsd: 12 }),
    expect.objectContaining({ key: 'strong', requests: 2, costUsd: 3 }),
  ]));
  expect(day).toEqual([expect.objectContaining({ key: 'strong', requests: 2, costUsd: 3 })]);
  expect(week).toEqual([expect.objectContaining({ key: 'search', requests: 3, costUsd: 7 })]);
});

it('rejects a --since it cannot read', { timeout: 60_000 }, async () => {
  await expect(run(process.execPath, [BIN, 'report', '--db', db, '--since', 'yesterday'])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/--since must be a duration/) });
});
