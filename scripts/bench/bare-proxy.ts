// bench:gateway helper: the smallest useful proxy, as a yardstick for the gateway's own cost. It
// parses the JSON body, forwards it to the upstream and answers with the upstream's status and body,
// through a keep-alive `node:http` agent (`--client http`) or the global `fetch` (`--client fetch`).
// Usage: node --import tsx scripts/bench/bare-proxy.ts --upstream http://127.0.0.1:PORT/v1 --client http

import { Agent, createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { upstream: { type: 'string' }, client: { type: 'string', default: 'http' } } });
const target = new URL(`${values.upstream ?? ''}/chat/completions`);
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const readAll = async (stream: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

type Forward = (body: string) => Promise<{ status: number; text: string }>;
const viaHttp: Forward = (body) =>
  new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const req = request(target, { method: 'POST', agent, headers }, (res) => {
      readAll(res).then((text) => resolve({ status: res.statusCode ?? 502, text }), reject);
    });
    req.on('error', reject);
    req.end(body);
  });
const viaFetch: Forward = async (body) => {
  const res = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, text: await res.text() };
};
const forward = values.client === 'fetch' ? viaFetch : viaHttp;

const server = createServer((req, res) => {
  readAll(req)
    .then((text) => forward(JSON.stringify(JSON.parse(text))))
    .then(({ status, text }) => res.writeHead(status, { 'content-type': 'application/json' }).end(text))
    .catch(() => res.writeHead(502).end());
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ event: 'listening', url: `http://127.0.0.1:${port}` })}\n`);
});
process.once('SIGTERM', () => process.exit(0));
