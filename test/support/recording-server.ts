// The loopback HTTP server under both fake upstreams (OpenAI-compatible and Anthropic): it reads
// each request whole, records it (method, path, headers, JSON body or raw text, and how it ended:
// completed, reset by the fake, or closed by the client), and hands it to the fake's handler with a
// way to reset the connection. close() destroys open sockets so a test never waits on keep-alive.

import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { RecordedRequest, RequestOutcome } from './fake-upstream.ts';

export interface RecordingServer {
  /** http://127.0.0.1:<port> (no path). */
  origin: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export type RecordedHandler = (record: RecordedRequest, res: ServerResponse, reset: () => void) => Promise<void>;

export async function startRecordingServer(handler: RecordedHandler): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer({ noDelay: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        // keep raw text
      }
      let settle: (o: RequestOutcome) => void = () => undefined;
      const outcome = new Promise<RequestOutcome>((r) => (settle = r));
      const record: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, outcome };
      requests.push(record);
      let resetByFake = false;
      res.on('close', () => settle(res.writableFinished ? 'completed' : resetByFake ? 'reset' : 'client-closed'));
      const reset = (): void => {
        resetByFake = true;
        res.socket?.resetAndDestroy();
      };
      handler(record, res, reset).catch(() => reset());
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
