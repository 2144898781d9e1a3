// Shutdown flush: the handler logic driven directly, and real child processes that get SIGTERM or
// SIGINT before their flush timer fires and must still leave every logged row in the file.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MemoryDecisionStore } from '../../src/store/memory.ts';
import { createShutdownHandler } from '../../src/store/shutdown.ts';
import { useTempDir } from './fixtures/temp-dir.ts';

const tempDir = useTempDir('triage-shutdown-');

class RecordingStore extends MemoryDecisionStore {
  constructor(private readonly events: string[], private readonly failClose = false) {
    super();
  }
  override async close(): Promise<void> {
    this.events.push('store.close');
    await super.close();
    if (this.failClose) throw new Error('disk gone');
  }
}

describe('createShutdownHandler', () => {
  it('runs the closers in order, then closes the store, then exits 0', async () => {
    const events: string[] = [];
    const handler = createShutdownHandler(new RecordingStore(events), {
      closers: [async () => { await new Promise((r) => setTimeout(r, 10)); events.push('server.close'); }],
      onSignal: (signal) => events.push(`signal:${signal}`),
      exit: (code) => events.push(`exit:${code}`),
    });
    handler.addCloser(() => { events.push('late.close'); throw new Error('ignored'); });
    await handler.handle('SIGTERM');
    expect(events).toStrictEqual(['signal:SIGTERM', 'server.close', 'late.close', 'store.close', 'exit:0']);
  });

  it('exits at once on a second signal while the first is still closing', async () => {
    const events: string[] = [];
    let releaseCloser = (): void => {};
    const handler = createShutdownHandler(new RecordingStore(events), {
      closers: [() => new Promise<void>((resolve) => { releaseCloser = resolve; })],
      exit: (code) => events.push(`exit:${code}`),
    });
    const first = handler.handle('SIGINT');
    await handler.handle('SIGINT');
    expect(events).toStrictEqual(['exit:130']);
    releaseCloser();
    await first;
    expect(events).toStrictEqual(['exit:130', 'store.close', 'exit:0']);
  });

  it('closes the store even when a closer hangs past its deadline', async () => {
    const events: string[] = [];
    const handler = createShutdownHandler(new RecordingStore(events), {
      closers: [() => new Promise<void>(() => {})],
      closerTimeoutMs: 20,
      exit: (code) => events.push(`exit:${code}`),
    });
    await handler.handle('SIGTERM');
    expect(events).toStrictEqual(['store.close', 'exit:0']);
  });

  it('exits 1 when the store cannot be closed cleanly', async () => {
    const events: string[] = [];
    const handler = createShutdownHandler(new RecordingStore(events, true), {
      exit: (code) => events.push(`exit:${code}`),
    });
    await handler.handle('SIGTERM');
    expect(events).toStrictEqual(['store.close', 'exit:1']);
  });
});

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const childScript = fileURLToPath(new URL('./fixtures/log-until-signal.ts', import.meta.url));

async function runChildUntilSignal(signal: NodeJS.Signals, rows: number) {
  const path = join(tempDir(), 'child.db');
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, path, String(rows)], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  while (!stdout.includes('\n')) {
    if (child.exitCode !== null) throw new Error(`child exited early: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const db = new Database(path, { readonly: true });
  const count = () => Number(db.prepare('SELECT count(*) FROM decisions').pluck().get());
  const beforeSignal = count();
  child.kill(signal);
  const [code, killedBy] = await exited;
  const afterExit = count();
  db.close();
  return { ready: stdout.trim(), beforeSignal, afterExit, code, killedBy, stderr };
}

describe('installShutdownFlush in a real process', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`writes every queued row when the process gets ${signal}`, async () => {
      const rows = 2000;
      const result = await runChildUntilSignal(signal, rows);
      expect(result.ready).toBe(`ready ${rows}`);
      expect(result.beforeSignal).toBe(0);
      expect(result).toMatchObject({ code: 0, killedBy: null, stderr: '' });
      expect(result.afterExit).toBe(rows);
    });
  }
});
