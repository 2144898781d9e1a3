// `triage --help`, per-command help, and `triage route` printing a decision with no key and no upstream.

import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BIN } from '../support/spawn-gateway.ts';

const run = promisify(execFile);
const cleanEnv = { ...process.env, OPENAI_API_KEY: '' };
// A folder with no triage.config.yaml, so the built-in default config applies.
const cwd = mkdtempSync(`${tmpdir()}/triage-cli-`);
const triage = (...args: string[]) => run(process.execPath, [BIN, ...args], { env: cleanEnv, cwd });

describe('triage CLI', () => {
  it('prints usage and per-command help', async () => {
    const { stdout } = await triage('--help');
    for (const command of ['serve', 'route', 'data', 'train', 'eval', 'report', 'models']) expect(stdout).toContain(command);
    expect((await triage('serve', '--help')).stdout).toContain('--port');
    expect((await triage('route', '--help')).stdout).toContain('--router');
    await expect(triage('frobnicate')).rejects.toMatchObject({ code: 2 });
  });

  it('prints a decision as JSON with the built-in config and no API key', async () => {
    const { stdout } = await triage('route', '--model', 'router-random-0.5', 'What is the capital of France?');
    const decision = JSON.parse(stdout) as Record<string, unknown>;
    expect(decision).toMatchObject({ router: 'router-random-0.5', threshold: 0.5, scorer: 'random' });
    expect(decision['modelId']).toBe(decision['tier'] === 'strong' ? 'gpt-5' : 'gpt-5-mini');
    const planned = JSON.parse((await triage('route', '--mode', 'plan', '--model', 'router-random-0.5', 'Plan it')).stdout) as Record<string, unknown>;
    expect(planned).toMatchObject({ tier: 'strong', reason: 'mode:plan' });
    await expect(triage('route')).rejects.toThrow(/give a prompt/);
    await expect(triage('route', '--model', 'weak', 'hi')).rejects.toThrow(/is a model, not a router/);
  });
});
