import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { help, run } from '../../src/cli/data.ts';
import { MIRROR, NO_PUBLIC_DATA } from './paths.ts';
import { suiteTempDir } from '../support/temp-dir.ts';

async function captured(args: string[]): Promise<{ code: number; out: string }> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    return { code: await run(args), out: chunks.join('') };
  } finally {
    spy.mockRestore();
  }
}

describe('triage data', () => {
  const tmp = suiteTempDir('triage-cli-data-');

  it.skipIf(NO_PUBLIC_DATA)('fetch prints files verified, counts and label balance per source', async () => {
    const { code, out: text } = await captured(['fetch', '--mirror', MIRROR, '--out', tmp.path, '--source', 'mt-bench,routellm-gsm8k']);
    expect(code).toBe(0);
    expect(text).toContain('mt-bench: 3 file(s) verified (3 mirror)');
    expect(text).toContain('records 72 (train 0, test 72)');
    expect(text).toMatch(/routellm-gsm8k: 2 file\(s\) verified[\s\S]*records 1307 \(train \d+, test \d+\)/);
    expect(text).toMatch(/strong better \d+\.\d%, weak better \d+\.\d%, tie \d+\.\d%/);
  });

  it.skipIf(NO_PUBLIC_DATA)('check validates a labelled file', async () => {
    const { code, out: text } = await captured(['check', join(tmp.path, 'mt-bench.jsonl')]);
    expect(code).toBe(0);
    expect(text).toContain('72 valid records (train 0, test 72)');
  });

  it('list names every source with its split rule', async () => {
    const { out: text } = await captured(['list']);
    for (const name of ['mt-bench', 'routellm-mmlu', 'routellm-gsm8k', 'arena-bench', 'arena-battles', 'gpt4-judge']) {
      expect(text).toContain(`${name}\n`);
    }
    expect(text).toContain('lmsys/lmsys-arena-human-preference-55k');
  });

  it('rejects a malformed --hub and unknown subcommands', async () => {
    await expect(run(['fetch', '--hub', 'nonsense', '--offline', '--out', tmp.path])).rejects.toThrow(/--hub expects NAME=PATH/);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await run(['frobnicate'])).toBe(2);
    stderr.mockRestore();
    expect(help).toContain('--mirror DIR');
  });
});
