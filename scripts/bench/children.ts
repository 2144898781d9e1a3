// bench:gateway: child processes of the benchmark (upstream, proxies, `triage serve`, the load
// generator). A server child is ready when it prints `"event":"listening","url":"..."` on stdout or
// stderr; its output is drained and only a short tail is kept for error messages.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { LoadLineSchema, type LoadJob, type LoadResult } from './protocol.ts';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const LISTENING = /"event":"listening","url":"([^"]+)"/;

export interface ServerChild {
  name: string;
  url: string;
  pid: number;
  /** Sends SIGTERM (after `timeoutMs`, SIGKILL) and resolves with the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
}

/** Starts `node ...args` and waits for its listening line. */
export async function startServer(name: string, args: string[], env: Record<string, string> = {}): Promise<ServerChild> {
  const child = spawn(process.execPath, args, { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 120 s:\n${tail}`)), 120_000);
    const watch = (chunk: Buffer): void => {
      tail = (tail + chunk.toString()).slice(-4000);
      const match = LISTENING.exec(tail);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening:\n${tail}`));
    });
  });
  return {
    name,
    url,
    pid: child.pid ?? -1,
    async stop(timeoutMs = 30_000) {
      const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.kill('SIGTERM');
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}

/** Resident set size of a process in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return kb === undefined ? Number.NaN : Number(kb) / 1024;
}

const LOAD_SCRIPT = fileURLToPath(new URL('./load.ts', import.meta.url));

/** Runs one load job in its own process; `onProgress` sees the completed count about once a second. */
export async function runLoad(job: LoadJob, onProgress?: (completed: number) => void): Promise<LoadResult> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', LOAD_SCRIPT, JSON.stringify(job)], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let result: LoadResult | undefined;
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (text) => {
    const line = LoadLineSchema.parse(JSON.parse(text));
    if (line.type === 'progress') onProgress?.(line.completed);
    else result = line;
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (!result) throw new Error(`load generator exited with ${code} and no result`);
  return result;
}
