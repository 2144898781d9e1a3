// CLI conventions, through the real bin/triage.js: --version; exit 2 for usage errors (and a bare
// `triage`, which prints help to stderr), 1 for runtime errors; a network failure in `data fetch`
// names the address and the ways round it; unknown benchmarks are listed with the valid ones; and
// `triage route` loads the scorer before its scoring budget starts.

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../support/spawn-gateway.ts';
import { suiteTempDir } from '../support/temp-dir.ts';

const temp = suiteTempDir('triage-conventions-');

function triage(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: temp.path, env: { ...process.env, OPENAI_API_KEY: '' }, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('triage CLI conventions', () => {
  it('--version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) expect(triage(flag)).toMatchObject({ code: 0, stdout: `triage ${version}\n` });
  });

  it('a bare `triage` prints help to stderr and exits 2; --help prints it to stdout and exits 0', () => {
    const bare = triage();
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toContain('Usage: triage <command>');
    expect(triage('--help')).toMatchObject({ code: 0, stderr: '' });
  });

  it('usage errors exit 2 and point at --help; runtime errors exit 1', () => {
    const unknownOption = triage('serve', '--prot', '8080');
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toMatch(/Unknown option '--prot'[\s\S]*triage serve --help/);
    expect(triage('route').code).toBe(2);
    expect(triage('serve', '--port', 'eighty').code).toBe(2);
    expect(triage('report', '--since', 'yesterday').code).toBe(2);
    const missingLog = triage('report', '--db', join(temp.path, 'missing.db'));
    expect(missingLog.code).toBe(1);
    expect(missingLog.stderr).toContain('no decision log');
  });

  it('data fetch without a network names the address and suggests --mirror or --offline', async () => {
    const base = `http://127.0.0.1:${await closedPort()}`;
    const result = triage('data', 'fetch', '--source', 'routellm-gsm8k', '--out', join(temp.path, 'data'), '--base-url', base);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot download ${base}/`);
    expect(result.stderr).toMatch(/--mirror DIR[\s\S]*--offline/);
    expect(result.stderr).not.toMatch(/^triage data: fetch failed$/m);
  });

  it('eval lists the valid benchmarks for an unknown one, and says how to get a missing one', () => {
    const unknown = triage('eval', '--benchmarks', 'nope,mt-bench', '--no-write');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown benchmark "nope"; valid: mt-bench, routellm-gsm8k, routellm-mmlu, arena-bench');
    expect(unknown.stderr).not.toContain('ENOENT');
    const missing = triage('eval', '--benchmarks', 'mt-bench', '--data-dir', join(temp.path, 'empty'), '--no-write');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/mt-bench\.jsonl does not exist: run "triage data fetch" first/);
  });

  it('route loads the learned scorer before its budget starts, so a cold start is not a scorer timeout', () => {
    // 150 ms covers a warm decision (well under a millisecond) many times over, but not a cold load of
    // the GloVe table and the ONNX session, which the budget used to include.
    const config = join(temp.path, 'tight.yaml');
    writeFileSync(
      config,
      `providers:
  local: { baseUrl: http://127.0.0.1:9/v1 }
models:
  strong: { provider: local, id: big, pricePerMTok: { input: 1, output: 1 } }
  weak: { provider: local, id: small, pricePerMTok: { input: 0, output: 0 } }
routers:
  default: { strong: strong, weak: weak, scorer: learned, threshold: 0.5, scoreTimeoutMs: 150 }
`,
    );
    const result = triage('route', '--config', config, 'Prove that the square root of two is irrational.');
    expect(result.code, result.stderr).toBe(0);
    const decision = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(decision['reason']).not.toBe('scorer-timeout');
    expect(decision['score']).toEqual(expect.any(Number));
    expect(decision['loadMs']).toEqual(expect.any(Number));
  });
});
