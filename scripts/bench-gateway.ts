// bench:gateway — the latency the gateway adds on top of an upstream, and its throughput, measured on
// loopback against the fake OpenAI-compatible upstream the tests use (bounded request count).
// Usage: npm run bench:gateway [-- --requests 2000 --concurrency 16 --scorer random|learned]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../src/config/logger.ts';
import { parseConfig } from '../src/config/load.ts';
import { startGateway } from '../src/server/start.ts';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '16' },
    scorer: { type: 'string', default: 'random' },
  },
});
const total = Number(values.requests);
const concurrency = Number(values.concurrency);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function load(url: string, body: string): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        const t0 = performance.now();
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`status ${response.status}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), seconds: (performance.now() - started) / 1000 };
}

// The fake upstream runs in its own process, so it does not share the gateway's event loop.
async function startUpstreamProcess(): Promise<{ url: string; close: () => Promise<void> }> {
  const fake = fileURLToPath(new URL('../test/support/fake-upstream.ts', import.meta.url));
  const code = `const { startFakeUpstream } = await import(${JSON.stringify(fake)}); const u = await startFakeUpstream({ text: 'ok', chunks: 1 }); console.log(u.url);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('exit', (exitCode) => reject(new Error(`fake upstream exited with ${exitCode}`)));
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const upstream = await startUpstreamProcess();
const dir = mkdtempSync(join(tmpdir(), 'triage-bench-'));
const config = parseConfig(
  {
    store: { path: join(dir, 'bench.db') },
    providers: { fake: { baseUrl: upstream.url } },
    models: { strong: { provider: 'fake', id: 'fake-strong' }, weak: { provider: 'fake', id: 'fake-weak' } },
    routers: { default: { strong: 'strong', weak: 'weak', scorer: values.scorer, seed: 1, threshold: 0.5 } },
  },
  'bench config',
);
const gateway = await startGateway({ config, env: {}, log: createLogger('warn'), host: '127.0.0.1', port: 0 });
const prompt = 'Explain the difference between a mutex and a semaphore, with an example in C. '.repeat(4);
const direct = JSON.stringify({ model: 'fake-strong', messages: [{ role: 'user', content: prompt }] });
const routed = JSON.stringify({ model: 'triage', messages: [{ role: 'user', content: prompt }] });

// Warm both paths, then measure.
await load(`${upstream.url}/chat/completions`, direct);
await load(`${gateway.url}/v1/chat/completions`, routed);
const a = await load(`${upstream.url}/chat/completions`, direct);
const b = await load(`${gateway.url}/v1/chat/completions`, routed);

const row = (name: string, r: { latencies: number[]; seconds: number }) =>
  `${name.padEnd(26)} p50 ${percentile(r.latencies, 50).toFixed(2).padStart(7)} ms   p99 ${percentile(r.latencies, 99).toFixed(2).padStart(7)} ms   ${(total / r.seconds).toFixed(0).padStart(6)} req/s`;
console.log(`bench:gateway — ${total} non-streaming requests, concurrency ${concurrency}, scorer ${values.scorer}, node ${process.version}`);
console.log(row('upstream direct', a));
console.log(row('through the gateway', b));
console.log(`added p50 latency: ${(percentile(b.latencies, 50) - percentile(a.latencies, 50)).toFixed(2)} ms`);
console.log(`log rows written: ${(await gateway.ctx.store.decisions({})).length} of ${2 * total} gateway requests (warm-up included), dropped: ${gateway.ctx.store.stats().droppedRows}`);
await gateway.close();
await upstream.close();
rmSync(dir, { recursive: true, force: true });
