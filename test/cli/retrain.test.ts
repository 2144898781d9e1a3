// `triage retrain` end to end on a real decision log: own labels (feedback on logged decisions
// carrying the shipped model's feature vectors, no prompt text) train a candidate; the command
// prints both models' held-out figures with intervals and the gate's verdict, records the version
// (promoted and active, or rejected with the reason) and leaves the shipped models/default alone.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { promptHash } from '../../src/protocol/chat.ts';
import { createLearnedScorer, DEFAULT_MODELS_DIR } from '../../src/scoring/learned.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { makeDecision } from '../store/fixtures/decision.ts';
import { BIN } from '../support/spawn-gateway.ts';
import { suiteTempDir } from '../support/temp-dir.ts';

const run = promisify(execFile);
const tmp = suiteTempDir('triage-retrain-cli-');
const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

it('retrains from the log, prints both models and the verdict, records the version', async () => {
  const shippedOnnx = join(DEFAULT_MODELS_DIR, 'default', 'scorer.onnx');
  const shippedMeta = join(DEFAULT_MODELS_DIR, 'default', 'meta.json');
  const before = [sha(shippedOnnx), sha(shippedMeta)];
  const config = join(tmp.path, 'triage.config.yaml');
  writeFileSync(config, 'providers:\n  up: { baseUrl: http://127.0.0.1:9 }\nmodels:\n  big: { provider: up, id: gpt-4.1 }\n  small: { provider: up, id: gpt-4.1-mini }\nrouters:\n  default: { strong: big, weak: small }\n');
  const db = join(tmp.path, 'log.db');
  const store = openSqliteStore(db);
  const scorer = await createLearnedScorer();
  for (let i = 0; i < 240; i++) {
    const hard = i % 2 === 0;
    const text = hard ? `Prove that the product of ${i + 2} consecutive integers is divisible by ${i + 2}!; give the full argument step by step.` : `ok thanks ${i}`;
    const result = await scorer.score({ model: 'triage', messages: [{ role: 'user', content: text }] });
    store.log(makeDecision({ id: `d${i}`, createdAt: 1000 + i, router: 'default', tier: 'weak', reason: 'score<threshold', promptHash: promptHash(text), promptText: null, features: result.features ?? null }));
  }
  await scorer.close();
  await store.flush();
  for (let i = 0; i < 240; i++) await store.recordOutcome({ decisionId: `d${i}`, createdAt: 5000 + i, source: 'feedback', rating: null, label: i % 2 === 0 ? 'strong_needed' : 'weak_ok' });
  await store.close();

  const { stdout } = await run(process.execPath, [BIN, 'retrain', '--db', db, '--config', config, '--sources', 'none', '--min-test', '20', '--bootstrap', '200', '--data-dir', join(tmp.path, 'no-public-data')], { cwd: tmp.path, env: { ...process.env, LOG_LEVEL: 'silent' } });
  expect(stdout).toMatch(/held-out own labels \(n=\d+\):/);
  expect(stdout).toMatch(/candidate learned:default@\d+ {2}APGR \d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]/);
  expect(stdout).toMatch(/active {4}learned:default@\d+ {2}APGR/);
  expect(stdout).toMatch(/dAPGR \(candidate - active\) -?\d\.\d{3} \[/);
  expect(stdout).toMatch(/gate: promote when >= 20 held-out own labels/);
  const verdict = /^(PROMOTED|REJECTED)/m.exec(stdout)?.[1];
  expect(verdict).toBeDefined();

  const listed = (await run(process.execPath, [BIN, 'models', 'list', '--db', db], { cwd: tmp.path })).stdout;
  const shippedVersion = (JSON.parse(readFileSync(shippedMeta, 'utf8')) as { version: number }).version;
  const id = `default@${shippedVersion + 1}`;
  expect(listed).toContain(id);
  expect(listed).toContain(verdict === 'PROMOTED' ? 'promoted' : 'rejected');
  if (verdict === 'PROMOTED') expect(listed).toMatch(new RegExp(`${id} +promoted +yes`));
  const folder = join(tmp.path, 'model-versions', 'default', `v${shippedVersion + 1}`);
  expect(existsSync(join(folder, 'scorer.onnx'))).toBe(true);
  expect(JSON.parse(readFileSync(join(folder, 'gate.json'), 'utf8'))).toMatchObject({ id, verdict: { promote: verdict === 'PROMOTED' } });
  expect([sha(shippedOnnx), sha(shippedMeta)]).toEqual(before);
}, 120_000);
