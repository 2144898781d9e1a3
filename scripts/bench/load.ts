// bench:gateway helper: the load generator, in its own process. Runs autocannon (POST, JSON body)
// for one job given as JSON in argv[2], prints progress lines and one result line (see protocol.ts).
// Percentiles come from every response time at full resolution.

import autocannon from 'autocannon';
import { LoadJobSchema, type LoadLine } from './protocol.ts';

const job = LoadJobSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
const emit = (line: LoadLine): void => void process.stdout.write(`${JSON.stringify(line)}\n`);

let times = new Float64Array(1 << 16);
let completed = 0;
const instance = autocannon({
  url: job.url,
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(job.headers ?? {}) },
  body: job.body,
  connections: job.connections,
  duration: job.durationS,
  ...(job.amount === undefined ? {} : { amount: job.amount }),
  timeout: 30,
}, (error, result) => {
  if (error) throw error;
  finish(result);
});
instance.on('response', (_client, _status, _bytes, responseTime) => {
  if (completed === times.length) {
    const grown = new Float64Array(times.length * 2);
    grown.set(times);
    times = grown;
  }
  times[completed++] = responseTime;
});
const ticker = job.progress ? setInterval(() => emit({ type: 'progress', completed }), 1000) : undefined;
const started = performance.now();
const startedUs = Number(process.hrtime.bigint() / 1000n);
function finish(result: autocannon.Result): void {
  clearInterval(ticker);
  const seconds = (performance.now() - started) / 1000;
  const sorted = times.subarray(0, completed).sort();
  const at = (p: number): number => sorted[Math.min(completed - 1, Math.floor(p * completed))] ?? Number.NaN;
  emit({
    type: 'result',
    sent: result.requests.sent,
    completed,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds,
    startedUs,
    endedUs: Number(process.hrtime.bigint() / 1000n),
    reqPerSec: completed / seconds,
    minSecondReqs: result.requests.min,
    p50: at(0.5),
    p99: at(0.99),
  });
}
