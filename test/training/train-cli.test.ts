// `triage train` / `triage eval` as a new user runs them (real child processes, real files):
// the pair is named or inferred (a gpt-4.1 vs gpt-4.1-mini file used to train on 0 records and
// die with "no weighted values to take quantiles of"), a source without the pair is a loud error,
// and neither command replaces an existing model folder or report without --force.

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { makeRecord, type LabelledRecord } from '../../src/training/data/format.ts';
import { formatRecords } from '../../src/training/data/jsonl.ts';
import { BIN } from '../support/spawn-gateway.ts';
import { suiteTempDir } from '../support/temp-dir.ts';

const run = promisify(execFile);
const STRONG = 'gpt-4.1';
const WEAK = 'gpt-4.1-mini';

function records(split: 'train' | 'test', from: number, count: number): LabelledRecord[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const hard = i % 2 === 0;
    const prompt = hard
      ? `Prove that the sum of the first ${i} odd numbers is a perfect square, step by step, and derive the closed form for n = ${i}.`
      : `hello #${i}`;
    return makeRecord({ id: `mine/${i}`, prompt, scores: { [STRONG]: 1, [WEAK]: hard ? 0 : 1 }, source: 'mine', split });
  });
}

async function triage(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, LOG_LEVEL: 'silent' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('triage train with the team\'s own pair', () => {
  const tmp = suiteTempDir('triage-train-cli-');
  const base = ['--sources', 'mine', '--embedder', 'hashed-ngrams:32', '--cv', '0', '--quiet'];

  function setUp(): { data: string; models: string } {
    const data = join(tmp.path, 'data');
    const models = join(tmp.path, 'models');
    if (!existsSync(data)) {
      mkdirSync(data, { recursive: true });
      writeFileSync(join(data, 'mine.jsonl'), formatRecords([...records('train', 0, 60), ...records('test', 1000, 20)]));
    }
    return { data, models };
  }

  it('infers the pair from the labels and trains on it', async () => {
    const { data, models } = setUp();
    const result = await triage(['train', ...base, '--data-dir', data, '--models-dir', models, '--name', 'mine'], tmp.path);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const meta = JSON.parse(readFileSync(join(models, 'mine', 'meta.json'), 'utf8')) as { label: { strong: string; weak: string }; training: { records: number } };
    expect(meta.label).toMatchObject({ strong: STRONG, weak: WEAK });
    expect(meta.training.records).toBe(60);
  });

  it('fails loudly, naming the source and its models, when the source does not score the pair', async () => {
    const { data, models } = setUp();
    const result = await triage(['train', ...base, '--data-dir', data, '--models-dir', models, '--name', 'other', '--strong', 'gpt-4-1106-preview', '--weak', 'mixtral-8x7b-instruct-v0.1'], tmp.path);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('training source mine has no record scoring both gpt-4-1106-preview (strong) and mixtral-8x7b-instruct-v0.1 (weak)');
    expect(result.stderr).toContain(`${STRONG} (60)`);
    expect(result.stderr).not.toContain('quantiles');
    expect(existsSync(join(models, 'other'))).toBe(false);
  });

  it('takes --strong/--weak, and the pair of a config router', async () => {
    const { data, models } = setUp();
    const config = join(tmp.path, 'triage.config.yaml');
    writeFileSync(config, `providers:\n  up: { baseUrl: http://127.0.0.1:9 }\nmodels:\n  big: { provider: up, id: ${STRONG} }\n  small: { provider: up, id: ${WEAK} }\nrouters:\n  default: { strong: big, weak: small }\n`);
    const named = await triage(['train', ...base, '--data-dir', data, '--models-dir', models, '--name', 'named', '--strong', STRONG, '--weak', WEAK], tmp.path);
    expect(named.code).toBe(0);
    const routed = await triage(['train', ...base, '--data-dir', data, '--models-dir', models, '--name', 'routed', '--config', config], tmp.path);
    expect(routed.code).toBe(0);
    const meta = JSON.parse(readFileSync(join(models, 'routed', 'meta.json'), 'utf8')) as { label: { strong: string } };
    expect(meta.label.strong).toBe(STRONG);
  });

  it('never replaces an existing model folder without --force', async () => {
    const { data, models } = setUp();
    const shipped = join(models, 'default');
    mkdirSync(shipped, { recursive: true });
    const before = JSON.stringify({ format: 'triage-scorer', note: 'stands for the shipped model' });
    writeFileSync(join(shipped, 'meta.json'), before);
    // No --name: the default folder is taken, so a new one is written beside it.
    const fresh = await triage(['train', ...base, '--data-dir', data, '--models-dir', models], tmp.path);
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toContain(join(models, 'default-v2'));
    expect(readFileSync(join(shipped, 'meta.json'), 'utf8')).toBe(before);
    // Named explicitly: refused.
    const named = await triage(['train', ...base, '--data-dir', data, '--models-dir', models, '--name', 'default'], tmp.path);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain('--force');
    expect(readFileSync(join(shipped, 'meta.json'), 'utf8')).toBe(before);
    const forced = await triage(['train', ...base, '--data-dir', data, '--models-dir', models, '--name', 'default', '--force'], tmp.path);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(shipped, 'meta.json'), 'utf8')).not.toBe(before);
  });

  it('triage eval does not replace a tracked results.md without --force', async () => {
    const { data, models } = setUp();
    const docs = join(tmp.path, 'docs', 'eval');
    mkdirSync(docs, { recursive: true });
    writeFileSync(join(docs, 'results.md'), 'tracked\n');
    const evalArgs = ['eval', '--data', join(data, 'mine.jsonl'), '--strong', STRONG, '--weak', WEAK, '--models', 'mine', '--models-dir', models, '--bootstrap', '20'];
    const moved = await triage(evalArgs, tmp.path);
    expect(moved.code).toBe(0);
    expect(readFileSync(join(docs, 'results.md'), 'utf8')).toBe('tracked\n');
    const written = /writing (\S+) instead/.exec(moved.stdout)?.[1] ?? '';
    expect(written).toContain(join(tmp.path, 'reports', 'eval-'));
    expect(existsSync(join(written, 'results.md'))).toBe(true);
    const refused = await triage([...evalArgs, '--out', docs], tmp.path);
    expect(refused.code).toBe(2);
    const forced = await triage([...evalArgs, '--out', docs, '--force'], tmp.path);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(docs, 'results.md'), 'utf8')).not.toBe('tracked\n');
  });
});
