// A client that goes away cancels its upstream call, also for a non-streamed answer: the gateway's
// "client gone" signal is made once per TCP connection and shared by the requests a keep-alive
// connection carries, so these check that a closed connection cancels only its own call, that a
// later connection is not affected, and that many requests on one connection leave no listeners
// behind (Node warns past 10 on one signal).

import { Agent, request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { startTestGateway, testConfig, type TestGateway } from '../support/gateway.ts';

let upstream: FakeUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  gateway = await startTestGateway({ raw: testConfig(upstream.url) });
});

afterAll(async () => {
  await gateway.dispose();
  await upstream.close();
});

const body = JSON.stringify({ model: 'strong', messages: [{ role: 'user', content: 'hi' }] });

function post(agent: Agent): Promise<{ status: number; id: string | undefined }> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${gateway.url}/v1/chat/completions`);
    const req = request(
      { hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, id: [res.headers['x-triage-decision-id']].flat()[0] }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

it('cancels the upstream call and logs 499 when the client leaves before a non-streamed answer', async () => {
  upstream.setBehaviour({ headersDelayMs: 10_000 });
  const before = upstream.requests.length;
  const url = new URL(`${gateway.url}/v1/chat/completions`);
  const req = request({ hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json' } });
  req.on('error', () => undefined);
  req.end(body);
  await expect.poll(() => upstream.requests.length, { timeout: 3000 }).toBe(before + 1);
  req.destroy();
  expect(await upstream.requests.at(-1)!.outcome).toBe('client-closed');
  await expect.poll(async () => (await gateway.store.decisions({})).some((row) => row.status === 499), { timeout: 3000 }).toBe(true);

  // A new connection is not cancelled by the closed one.
  upstream.setBehaviour({});
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  expect((await post(agent)).status).toBe(200);
  agent.destroy();
});

it('serves many requests on one keep-alive connection without piling listeners on its signal', async () => {
  upstream.setBehaviour({});
  const warnings: string[] = [];
  const onWarning = (warning: Error): void => void warnings.push(warning.name);
  process.on('warning', onWarning);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < 30; i++) expect((await post(agent)).status).toBe(200);
  } finally {
    process.off('warning', onWarning);
    agent.destroy();
  }
  expect(warnings).not.toContain('MaxListenersExceededWarning');
});
