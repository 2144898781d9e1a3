// `triage labels export` on a real SQLite log: feedback labels and ratings, shadow verdicts (the
// shadow_labels table (made by the shadow-judging migration; the test also creates it IF NOT EXISTS as
// build may not have that migration yet) and exploration outcomes become own-traffic records that
// `triage data check` accepts and `triage train` trains on from their stored feature vectors.

import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createEmbedder } from '../../src/embedding/registry.ts';
import { exportOwnLabels, ownSplit } from '../../src/learning/labels-export.ts';
import { promptHash } from '../../src/protocol/chat.ts';
import { createFeatureExtractor } from '../../src/scoring/features/extractor.ts';
import { featureLayoutId } from '../../src/scoring/features/layout-id.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { parseRecords } from '../../src/training/data/jsonl.ts';
import { makeDecision } from '../store/fixtures/decision.ts';
import { BIN } from '../support/spawn-gateway.ts';
import { suiteTempDir } from '../support/temp-dir.ts';

const run = promisify(execFile);
const CONFIG = `providers:\n  up: { baseUrl: http://127.0.0.1:9 }\nmodels:\n  big: { provider: up, id: gpt-4.1 }\n  small: { provider: up, id: gpt-4.1-mini }\nrouters:\n  default: { strong: big, weak: small, scorer: random }\n`;

/** The shadow_labels table as the brief defines it (IF NOT EXISTS: the shadow migration may have made it already). */
const SHADOW_TABLE = `CREATE TABLE IF NOT EXISTS shadow_labels (
  id INTEGER PRIMARY KEY AUTOINCREMENT, decision_id TEXT NOT NULL, ts INTEGER NOT NULL, router TEXT, prompt_hash TEXT NOT NULL,
  strong_model TEXT NOT NULL, weak_model TEXT NOT NULL, judge_model TEXT NOT NULL, verdict_strong_first TEXT NOT NULL,
  verdict_weak_first TEXT NOT NULL, label TEXT NOT NULL, cost_usd REAL, prompt_tokens INTEGER, completion_tokens INTEGER)`;

async function triage(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, LOG_LEVEL: 'silent' }, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function prompt(i: number): string {
  return i % 2 === 0 ? `Prove by induction that 1 + 3 + ... + (2n-1) = n^2 for n = ${i}; show every step and the base case.` : `hi there #${i}`;
}

describe('triage labels export', () => {
  const tmp = suiteTempDir('triage-labels-');

  it('turns each kind of evidence into the documented scores', async () => {
    const db = join(tmp.path, 'kinds.db');
    const store = openSqliteStore(db);
    const rows = [
      { id: 'fb-strong', tier: 'weak' as const, reason: 'score<threshold' },
      { id: 'fb-weak', tier: 'weak' as const, reason: 'score<threshold' },
      { id: 'rate-weak-bad', tier: 'weak' as const, reason: 'score<threshold' },
      { id: 'rate-strong', tier: 'strong' as const, reason: 'score>=threshold' },
      { id: 'sh-strong', tier: 'weak' as const, reason: 'score<threshold' },
      { id: 'sh-weak', tier: 'strong' as const, reason: 'score>=threshold' },
      { id: 'sh-tie', tier: 'weak' as const, reason: 'score<threshold' },
      { id: 'sh-inconsistent', tier: 'weak' as const, reason: 'score<threshold' },
      { id: 'sh-unusable', tier: 'weak' as const, reason: 'score<threshold' },
      { id: 'explored', tier: 'weak' as const, reason: 'score>=threshold', explored: true },
      { id: 'both', tier: 'weak' as const, reason: 'score<threshold' },
    ];
    rows.forEach((r, i) => store.log(makeDecision({ id: r.id, createdAt: 1000 + i, router: 'default', tier: r.tier, reason: r.reason, promptHash: promptHash(prompt(i)), promptText: prompt(i), explored: 'explored' in r })));
    await store.flush();
    await store.recordOutcome({ decisionId: 'fb-strong', createdAt: 2000, source: 'feedback', rating: null, label: 'strong_needed' });
    await store.recordOutcome({ decisionId: 'fb-weak', createdAt: 2001, source: 'feedback', rating: null, label: 'weak_ok' });
    await store.recordOutcome({ decisionId: 'rate-weak-bad', createdAt: 2002, source: 'feedback', rating: 0.25, label: null });
    await store.recordOutcome({ decisionId: 'rate-strong', createdAt: 2003, source: 'feedback', rating: 0, label: null });
    await store.recordOutcome({ decisionId: 'explored', createdAt: 2004, source: 'feedback', rating: 1, label: null });
    await store.recordOutcome({ decisionId: 'both', createdAt: 2005, source: 'feedback', rating: null, label: 'weak_ok' });
    const raw = new Database(db);
    raw.exec(SHADOW_TABLE);
    const insert = raw.prepare('INSERT INTO shadow_labels (decision_id, ts, router, prompt_hash, strong_model, weak_model, judge_model, verdict_strong_first, verdict_weak_first, label, cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (const [id, a, b, label] of [['sh-strong', 'A', 'B', 'strong_needed'], ['sh-weak', 'B', 'A', 'weak_ok'], ['sh-tie', 'C', 'C', 'tie'], ['sh-inconsistent', 'A', 'A', 'inconsistent'], ['sh-unusable', 'unparsable', 'A', 'unusable'], ['both', 'A', 'B', 'strong_needed']] as const) {
      insert.run(id, 3000, 'default', 'x'.repeat(64), 'big', 'small', 'judge', a, b, label, 0.001);
    }
    raw.close();
    const { records, stats } = exportOwnLabels(await store.labelEvidence(), {
      pairFor: (router) => (router === 'default' ? { strong: 'gpt-4.1', weak: 'gpt-4.1-mini' } : null),
      modelName: (name) => ({ big: 'gpt-4.1', small: 'gpt-4.1-mini' })[name] ?? name,
    });
    await store.close();
    const byId = new Map(records.map((r) => [r.id, r.scores]));
    expect(Object.fromEntries(byId)).toEqual({
      'feedback/fb-strong': { 'gpt-4.1': 1, 'gpt-4.1-mini': 0 },
      'feedback/fb-weak': { 'gpt-4.1': 1, 'gpt-4.1-mini': 1 },
      'feedback/rate-weak-bad': { 'gpt-4.1': 1, 'gpt-4.1-mini': 0 },
      'explore/explored': { 'gpt-4.1': 1, 'gpt-4.1-mini': 1 },
      'feedback/both': { 'gpt-4.1': 1, 'gpt-4.1-mini': 1 },
      'shadow/sh-strong': { 'gpt-4.1': 1, 'gpt-4.1-mini': 0 },
      'shadow/sh-weak': { 'gpt-4.1': 0, 'gpt-4.1-mini': 1 },
      'shadow/sh-tie': { 'gpt-4.1': 1, 'gpt-4.1-mini': 1 },
      'shadow/sh-inconsistent': { 'gpt-4.1': 1, 'gpt-4.1-mini': 1 },
    });
    expect(stats.skipped).toMatchObject({ unusable: 1, strongRating: 1 });
    expect(stats.byOrigin).toEqual({ feedback: 4, shadow: 4, explore: 1 });
    for (const r of records) {
      expect(r.source).toBe('own-traffic');
      // The decision's own prompt hash (not the shadow row's), and the split follows it.
      expect(r.split).toBe(ownSplit(r.promptHash));
    }
  });

  it('exports feature vectors without prompts; data check accepts the file; train learns from it', async () => {
    const db = join(tmp.path, 'log.db');
    const config = join(tmp.path, 'triage.config.yaml');
    writeFileSync(config, CONFIG);
    const embedder = await createEmbedder('hashed-ngrams:32');
    const extractor = await createFeatureExtractor(embedder, { embedding: false, structural: true, taskTypes: false });
    const layout = featureLayoutId(extractor.layout);
    const store = openSqliteStore(db);
    const n = 120;
    for (let i = 0; i < n; i++) {
      const [features] = await extractor.extractPrompts([prompt(i)]);
      store.log(makeDecision({ id: `d${i}`, createdAt: 1000 + i, router: 'default', tier: 'weak', promptHash: promptHash(prompt(i)), promptText: null, features: { layout, vector: features!.vector } }));
    }
    await store.flush();
    for (let i = 0; i < n; i++) {
      await store.recordOutcome({ decisionId: `d${i}`, createdAt: 5000 + i, source: 'feedback', rating: null, label: i % 2 === 0 ? 'strong_needed' : 'weak_ok' });
    }
    await store.close();
    await embedder.close();

    const out = join(tmp.path, 'own.jsonl');
    const exported = await triage(['labels', 'export', '--db', db, '--config', config, '--out', out], tmp.path);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(`${n} own-traffic label(s): ${n} feedback`);
    const records = parseRecords(readFileSync(out, 'utf8'));
    expect(records).toHaveLength(n);
    expect(records.every((r) => r.prompt === '' && r.features?.layout === layout)).toBe(true);
    expect(new Set(records.map((r) => r.split))).toEqual(new Set(['train', 'test']));
    // Standard output, no --out: the same records.
    const piped = await triage(['labels', 'export', '--db', db, '--config', config, '--since', '1970-01-01'], tmp.path);
    expect(parseRecords(piped.stdout)).toEqual(records);

    const check = await triage(['data', 'check', out, '--strong', 'gpt-4.1', '--weak', 'gpt-4.1-mini'], tmp.path);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain(`${n} valid records`);
    expect(check.stdout).toContain(`${n} paired`);

    const dataDir = join(tmp.path, 'data');
    const models = join(tmp.path, 'models');
    await import('node:fs/promises').then((fs) => fs.mkdir(dataDir, { recursive: true }).then(() => fs.copyFile(out, join(dataDir, 'own-traffic.jsonl'))));
    const trained = await triage(['train', '--data-dir', dataDir, '--sources', 'own-traffic', '--models-dir', models, '--name', 'own', '--embedder', 'hashed-ngrams:32', '--groups', 'structural', '--cv', '0', '--no-source-offsets'], tmp.path);
    expect(trained.code).toBe(0);
    const meta = JSON.parse(readFileSync(join(models, 'own', 'meta.json'), 'utf8')) as { training: { records: number }; metrics: { heldOut: Record<string, { apgr: number }> } };
    const train = records.filter((r) => r.split === 'train').length;
    expect(meta.training.records).toBe(train);
    // Hard prompts (even i) were labelled strong_needed: the model learned to rank them first.
    expect(meta.metrics.heldOut['own-traffic']?.apgr).toBeGreaterThan(0.6);
  });
});
