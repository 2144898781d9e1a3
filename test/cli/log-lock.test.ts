// Commands that write the log (keys create, models activate) or read it (report) while a running
// gateway holds its write lock: they wait for the lock, up to the CLI's busy timeout, instead of
// failing with "database is locked". The lock holder is a second real process on the same SQLite file.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openLog, openLogFile } from '../../src/cli/log-file.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';

const HOLD_MS = 700;
let dir: string;
let db: string;
let holder: ChildProcess | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'triage-cli-lock-'));
  db = join(dir, 'log.db');
  openSqliteStore(db).close();
});

afterEach(() => {
  holder?.kill();
  holder = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Starts a process that takes the write lock, says so, holds it for HOLD_MS and commits. */
async function holdWriteLock(): Promise<{ released: Promise<number> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${HOLD_MS});
    db.exec('COMMIT');
    process.stdout.write('released ' + Date.now() + '\\n');
    db.close();`;
  const child = spawn(process.execPath, ['-e', script, db], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  holder = child;
  let out = '';
  const locked = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('locked')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`lock holder exited (${code}) before locking`)));
  });
  const released = new Promise<number>((resolve) => {
    child.on('exit', () => resolve(Number(/released (\d+)/.exec(out)?.[1] ?? Number.NaN)));
  });
  await locked;
  return { released };
}

// The lock is taken after the command opened the log (as a gateway logging under load does between
// opening and writing), so the wait happens in the write itself, not in the open's migration check.
it('a command\'s write waits for another process\'s write lock instead of failing', async () => {
  const store = await openLog(db, {});
  try {
    const { released } = await holdWriteLock();
    const { key } = await store.createKey({ name: 'while-locked', tags: {}, budget: null, models: null });
    expect(Date.now()).toBeGreaterThanOrEqual(await released);
    expect((await store.listKeys()).map((k) => k.name)).toEqual([key.name]);
  } finally {
    await store.close();
  }
});

it('models activate waits for the lock too (the hot-swap path)', async () => {
  const store = await openLogFile(db);
  try {
    await store.saveModelVersion({
      id: 'default@2', line: 'default', version: 2, dir, createdAt: Date.now(), status: 'registered',
      reason: 'lock test', report: null, activatedAt: null, rolledBackAt: null,
    });
    const { released } = await holdWriteLock();
    expect((await store.activateModelVersion('default@2')).id).toBe('default@2');
    expect(Date.now()).toBeGreaterThanOrEqual(await released);
  } finally {
    await store.close();
  }
});
