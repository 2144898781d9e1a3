// bench:startup — cold start of the gateway to its first healthy GET /healthz, and the resident
// memory of the whole process tree it leaves running (the npm wrapper and any helper included).
// Usage: npm run bench:startup [-- --runs 5 --command "node bin/triage.js serve" --command "TRIAGE_SOURCE=1 npm start"]

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { processTree, rssMb } from '../test/support/process-tree.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    command: { type: 'string', multiple: true },
  },
});
const runs = Number(values.runs);
const commands = values.command ?? ['node bin/triage.js serve', 'TRIAGE_SOURCE=1 node bin/triage.js serve', 'npm start'];
const root = fileURLToPath(new URL('..', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function once(command: string): Promise<{ ms: number; treeMb: number; processes: number; serverMb: number }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'triage-bench-startup-'));
  // Leading NAME=value words set environment variables, as in a shell.
  const words = command.split(' ');
  const extraEnv: Record<string, string> = {};
  while (words.length > 1 && /^[A-Z_]+=/.test(words[0]!)) {
    const [name, ...value] = words.shift()!.split('=');
    extraEnv[name!] = value.join('=');
  }
  const [file, ...args] = words;
  const started = performance.now();
  const child = spawn(file!, args, {
    cwd: root,
    env: { ...process.env, ...extraEnv, PORT: String(port), TRIAGE_DB: join(dir, 'log.db'), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`"${command}" exited with ${child.exitCode}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (response.ok) break;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const ms = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 500)); // let start-up garbage settle
    const tree = processTree(child.pid!);
    const sizes = tree.map(rssMb);
    return { ms, treeMb: sizes.reduce((a, b) => a + b, 0), processes: tree.length, serverMb: Math.max(...sizes) };
  } finally {
    for (const pid of processTree(child.pid!).reverse()) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`| command | cold start to healthy /healthz (median of ${runs}) | processes | RSS of the tree | RSS of the largest process |`);
console.log('|---|---|---|---|---|');
// Runs alternate between the commands, so that a busy machine slows them all alike.
const results = new Map(commands.map((command) => [command, [] as Awaited<ReturnType<typeof once>>[]]));
for (let i = 0; i < runs; i++) for (const command of commands) results.get(command)!.push(await once(command));
for (const [command, rows] of results) {
  console.log(
    `| \`${command}\` | ${median(rows.map((r) => r.ms)).toFixed(0)} ms | ${median(rows.map((r) => r.processes))} | ` +
      `${median(rows.map((r) => r.treeMb)).toFixed(0)} MB | ${median(rows.map((r) => r.serverMb)).toFixed(0)} MB |`,
  );
}
