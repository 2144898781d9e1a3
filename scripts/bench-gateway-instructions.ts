// bench:gateway-instructions — CPU instructions per request of the bare node:http proxy and of
// `triage serve` (pass-through model; with --before DIR also an earlier build), counted by
// valgrind's callgrind, which counts instructions rather than seconds, so other load on a shared
// machine does not move them. Each proxy runs under callgrind with instrumentation off; after a
// warm-up, counting is switched on for exactly --requests requests, then dumped, per thread: all
// threads, and the main thread (the event loop) alone. Under valgrind the warm-up does not let V8's
// background compiler finish, so the all-threads count varies between runs; the main thread's does
// not carry that compile work. The upstream and the load generator run natively. Bounded: fixed
// counts and a time limit.
// Usage: npm run bench:gateway-instructions [-- --requests 2000 --warmup 4000 --connections 8 --targets bare-http,triage-before,triage-passthrough --before DIR --keep DIR]

import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO, runLoad, startServer } from './bench/children.ts';
import { writeGatewayBenchConfig } from './bench/gateway-config.ts';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '3000' },
    connections: { type: 'string', default: '8' },
    targets: { type: 'string', default: 'bare-http,triage-passthrough' },
    'max-minutes': { type: 'string', default: '20' },
    /** Another checkout (with dist/ built) to measure as `triage-before`, e.g. the commit before a change. */
    before: { type: 'string' },
    /** Keep the callgrind files here (for callgrind_annotate). */
    keep: { type: 'string' },
  },
});
const requests = Number(values.requests);
const warmup = Number(values.warmup);
const connections = Number(values.connections);
if (![requests, warmup, connections].every((n) => Number.isInteger(n) && n > 0)) throw new Error('--requests, --warmup and --connections must be positive integers');
const KNOWN = ['bare-http', 'triage-before', 'triage-passthrough'] as const;
type Name = (typeof KNOWN)[number];
const isKnown = (name: string): name is Name => KNOWN.some((known) => known === name);
const names = values.targets.split(',').map((t) => t.trim());
for (const name of names) if (!isKnown(name)) throw new Error(`unknown target ${name}; known: ${KNOWN.join(', ')}`);
const beforeDir = values.before === undefined ? undefined : resolve(values.before);
if (names.includes('triage-before') && beforeDir === undefined) throw new Error('target triage-before needs --before DIR');

const work = mkdtempSync(join(tmpdir(), 'triage-bench-instr-'));
const children = new Set<ChildProcess>();
const limit = setTimeout(() => {
  console.error(`bench:gateway-instructions: stopped after --max-minutes ${values['max-minutes']}`);
  for (const child of children) child.kill('SIGKILL');
  process.exit(2);
}, Number(values['max-minutes']) * 60_000);

const prompt = 'Explain the difference between a mutex and a semaphore, with an example in C. '.repeat(4);
const LISTENING = /"event":"listening","url":"([^"]+)"/;

/** Starts `valgrind --tool=callgrind node ...args` with instrumentation off; resolves with its URL once it listens. */
async function startUnderCallgrind(args: string[], outFile: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn('valgrind', ['--tool=callgrind', '--instr-atstart=no', '--separate-threads=yes', `--callgrind-out-file=${outFile}`, process.execPath, ...args], {
    cwd: REPO,
    env: { ...process.env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let tail = '';
  const url = await new Promise<string>((resolve, reject) => {
    const watch = (chunk: Buffer): void => {
      tail = (tail + chunk.toString()).slice(-4000);
      const match = LISTENING.exec(tail);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on('data', watch);
    child.stderr?.on('data', watch);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before listening:\n${tail}`)));
  });
  return { child, url };
}

function callgrindControl(pid: number, flag: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const control = spawn('callgrind_control', [flag, String(pid)], { stdio: 'ignore' });
    control.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`callgrind_control ${flag} exited with ${code}`))));
  });
}

/**
 * The `totals:` Ir of the dump files callgrind wrote for `outFile` (one per thread: `<file>.1-01`,
 * `.1-02`, ...): all threads summed (V8's compiler and GC helper threads included), and the main
 * thread alone (thread 01: the event loop, where the requests are handled).
 */
function dumpedInstructions(outFile: string): { all: number; main: number } {
  const dir = join(outFile, '..');
  const base = outFile.slice(dir.length + 1);
  let all = 0;
  let main = 0;
  for (const file of readdirSync(dir).filter((f) => f.startsWith(base))) {
    const match = /^totals: (\d+)/m.exec(readFileSync(join(dir, file), 'utf8'));
    if (!match?.[1]) continue;
    all += Number(match[1]);
    if (file.endsWith('-01')) main += Number(match[1]);
  }
  return { all, main };
}

interface Row {
  name: Name;
  instructions: { all: number; main: number };
  completed: number;
}

const upstream = await startServer('fake upstream', ['--import', 'tsx', 'scripts/bench/upstream.ts']);
const rows: Row[] = [];
console.log(`bench:gateway-instructions — node ${process.version}, load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`command: npm run bench:gateway-instructions -- --requests ${requests} --warmup ${warmup} --connections ${connections} --targets ${names.join(',')}${values.before ? ` --before ${values.before}` : ''}`);
try {
  for (const name of names) {
    if (!isKnown(name)) continue;
    const outFile = join(work, `${name}.callgrind`);
    const triageBin = name === 'triage-before' && beforeDir !== undefined ? join(beforeDir, 'bin/triage.js') : 'bin/triage.js';
    const args =
      name === 'bare-http'
        ? ['--import', 'tsx', 'scripts/bench/bare-proxy.ts', '--upstream', upstream.url, '--client', 'http']
        : [triageBin, 'serve', '--host', '127.0.0.1', '--port', '0', '--config', writeGatewayBenchConfig(work, upstream.url, 'random'), '--db', join(work, `${name}.db`)];
    const model = name === 'bare-http' ? 'fake-strong' : 'strong';
    console.log(`\n${name}: starting under callgrind`);
    const { child, url } = await startUnderCallgrind(args, outFile);
    const pid = child.pid ?? -1;
    const job = (amount: number) => ({
      url: `${url}/v1/chat/completions`,
      body: JSON.stringify({ model, messages: [{ role: 'user', content: prompt }] }),
      connections,
      durationS: 1,
      amount,
      progress: false,
    });
    await runLoad(job(warmup));
    await callgrindControl(pid, '--instr=on');
    const measured = await runLoad(job(requests));
    await callgrindControl(pid, '--instr=off');
    await callgrindControl(pid, '--dump');
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    children.delete(child);
    // Under valgrind the proxy is slow enough that an idle upstream socket can close under the bare
    // proxy (it does not resend on a reset): a handful of 502s is tolerated and reported.
    const failed = measured.non2xx + measured.errors;
    if (failed > measured.completed / 100) throw new Error(`${name}: ${measured.non2xx} non-2xx, ${measured.errors} errors`);
    if (failed > 0) console.log(`  note: ${failed} of ${measured.completed} requests failed (non-2xx or errors)`);
    const instructions = dumpedInstructions(outFile);
    if (values.keep) for (const file of readdirSync(work).filter((f) => f.startsWith(`${name}.callgrind`))) cpSync(join(work, file), join(resolve(values.keep), file));
    rows.push({ name, instructions, completed: measured.completed });
    const per = (n: number) => Math.round(n / measured.completed).toLocaleString('en-US');
    console.log(`  ${measured.completed} requests: ${per(instructions.all)} instructions per request (all threads), ${per(instructions.main)} on the main thread`);
  }
} finally {
  await upstream.stop();
  rmSync(work, { recursive: true, force: true });
  clearTimeout(limit);
}

console.log('\n| target | requests counted | instructions per request, all threads | vs bare proxy | main thread only | vs bare proxy |');
console.log('|---|---|---|---|---|---|');
const bare = rows.find((r) => r.name === 'bare-http');
for (const row of rows) {
  const cells = (['all', 'main'] as const).map((part) => {
    const perRequest = row.instructions[part] / row.completed;
    const ratio = bare ? `${(perRequest / (bare.instructions[part] / bare.completed)).toFixed(2)}×` : '—';
    return `${Math.round(perRequest).toLocaleString('en-US')} | ${ratio}`;
  });
  console.log(`| ${row.name} | ${row.completed} | ${cells.join(' | ')} |`);
}
console.log(`\nload average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
