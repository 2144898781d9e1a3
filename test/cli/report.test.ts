// `triage report` adds up spend from a real SQLite decision log, per tag and per model.

import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import type { DecisionRecord } from '../../src/store/store.ts';
import { BIN } from '../support/spawn-gateway.ts';

const run = promisify(execFile);

function record(id: string, model: string, feature: string | null, cost: number): DecisionRecord {
  return {
    id, createdAt: Date.now(), kind: 'chat', router: 'default', scorer: 'random', tags: feature ? { feature } : {}, mode: null, taskType: null,
    promptHash: id, promptText: null, score: 0.5, threshold: 0.5, tier: model === 'strong' ? 'strong' : 'weak', reason: 'test',
    modelAlias: model, modelId: `${model}-id`, provider: 'p', fallbackUsed: false, stream: false, status: 200, error: null,
    promptTokens: 100, completionTokens: 10, cachedTokens: 0, costUsd: cost, decisionMs: 1, latencyMs: 10, ttfbMs: 5, keyId: null,
  };
}

it('sums cost per tag value and per model', async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'triage-report-')), 'log.db');
  const store = openSqliteStore(db);
  store.log(record('a', 'strong', 'search', 0.5));
  store.log(record('b', 'weak', 'search', 0.25));
  store.log(record('c', 'strong', 'chat', 1));
  store.log(record('d', 'weak', null, 0.125));
  await store.close();

  const byTag = JSON.parse((await run(process.execPath, [BIN, 'report', '--db', db, '--by', 'feature', '--json'])).stdout) as Array<Record<string, unknown>>;
  expect(byTag).toEqual([
    { key: 'chat', requests: 1, promptTokens: 100, completionTokens: 10, costUsd: 1 },
    { key: 'search', requests: 2, promptTokens: 200, completionTokens: 20, costUsd: 0.75 },
    { key: '', requests: 1, promptTokens: 100, completionTokens: 10, costUsd: 0.125 },
  ]);
  const table = (await run(process.execPath, [BIN, 'report', '--db', db])).stdout;
  expect(table).toMatch(/strong\s+2\s+200\s+20\s+1\.500000/);
  expect(table).toMatch(/weak\s+2\s+200\s+20\s+0\.375000/);
  await expect(run(process.execPath, [BIN, 'report', '--db', join(tmpdir(), 'missing.db')])).rejects.toThrow(/no decision log/);
});
