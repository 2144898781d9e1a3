// Test helper for the fuzz suite: sends raw requests with node:http (any bytes in a body, UTF-8
// bytes in header values, any method), a few at a time, and judges each answer: never a 5xx, and
// every 4xx in OpenAI's error shape {"error":{"message","type","code"}}.

import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import type { Random } from '../../src/eval/prng.ts';

export interface Probe {
  /** Short description, shown when the probe is judged wrong. */
  label: string;
  method: string;
  path: string;
  /** Header values may hold any byte 0x20-0xff (UTF-8 is sent as its bytes, see `utf8Header`). */
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** 'reject': must be a 4xx in OpenAI's shape. 'any': a 2xx, or a 4xx in OpenAI's shape. */
  expect: 'reject' | 'any';
}

export interface Answer {
  status: number;
  text: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/** A header value whose bytes on the wire are the UTF-8 encoding of `text`. */
export function utf8Header(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/**
 * Sends one probe. A reused keep-alive socket that the server closed just before the request was
 * written fails with ECONNRESET; Node's documentation advises retrying that case once, on a new socket.
 */
export async function send(baseUrl: string, probe: Probe): Promise<Answer> {
  try {
    return await sendOnce(baseUrl, probe, agent);
  } catch (error) {
    if (!(error instanceof StaleSocketError)) throw error;
    return sendOnce(baseUrl, probe, false);
  }
}

class StaleSocketError extends Error {}

function sendOnce(baseUrl: string, probe: Probe, via: Agent | false): Promise<Answer> {
  const body = probe.body === undefined ? undefined : Buffer.isBuffer(probe.body) ? probe.body : Buffer.from(probe.body, 'utf8');
  const headers: Record<string, string | number> = { ...(probe.headers ?? {}) };
  if (body && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  if (body) headers['content-length'] = body.length;
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}${probe.path}`, { method: probe.method, headers, agent: via }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      reject(req.reusedSocket && error.code === 'ECONNRESET' ? new StaleSocketError(error.message) : error);
    });
    req.end(body);
  });
}

/** Writes raw bytes on a fresh connection and returns what came back until the server closed it. */
export function sendRaw(baseUrl: string, bytes: string | Buffer, timeoutMs = 5000): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.end(bytes);
  });
}

/** The status and body of a raw HTTP/1.1 response (a chunked body is decoded). */
export function parseRawResponse(raw: string): { status: number; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  let body = split < 0 ? '' : raw.slice(split + 4);
  if (/^transfer-encoding:\s*chunked/im.test(head)) {
    let decoded = '';
    for (let at = 0; at < body.length; ) {
      const eol = body.indexOf('\r\n', at);
      const size = parseInt(body.slice(at, eol), 16);
      if (!(size > 0)) break;
      decoded += body.slice(eol + 2, eol + 2 + size);
      at = eol + 2 + size + 2;
    }
    body = decoded;
  }
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
  return { status, body: Buffer.from(body, 'latin1').toString('utf8') };
}

/** Null when the answer is in OpenAI's error shape, else what is wrong with it. */
export function errorShapeProblem(text: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `body is not JSON: ${JSON.stringify(text.slice(0, 80))}`;
  }
  if (typeof parsed !== 'object' || parsed === null || !('error' in parsed)) return 'no "error" object';
  const error = parsed.error;
  if (typeof error !== 'object' || error === null) return '"error" is not an object';
  const message = 'message' in error ? error.message : undefined;
  const type = 'type' in error ? error.type : undefined;
  const code = 'code' in error ? error.code : undefined;
  if (typeof message !== 'string' || message === '') return 'error.message is not a non-empty string';
  if (typeof type !== 'string' || type === '') return 'error.type is not a non-empty string';
  if (!(typeof code === 'string' || code === null)) return 'error.code is neither a string nor null';
  return null;
}

/** Null when the answer is acceptable for the probe, else a one-line problem. */
export function judge(probe: Probe, answer: Answer): string | null {
  const where = `${probe.label} (${probe.method} ${probe.path.slice(0, 60)})`;
  if (answer.status >= 500) return `${where}: status ${answer.status}: ${answer.text.slice(0, 120)}`;
  if (answer.status >= 400) {
    const problem = errorShapeProblem(answer.text);
    return problem ? `${where}: ${answer.status} not in OpenAI's error shape: ${problem}` : null;
  }
  if (probe.expect === 'reject') return `${where}: expected a 4xx, got ${answer.status}`;
  if (answer.status < 200 || answer.status >= 300) return `${where}: unexpected status ${answer.status}`;
  return null;
}

/** Sends every probe (a few in parallel) and returns the problems found, in probe order. */
export async function runProbes(baseUrl: string, probes: Probe[], parallel = 6): Promise<{ sent: number; problems: string[] }> {
  const problems: Array<string | null> = new Array(probes.length).fill(null);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < probes.length) {
        const index = next++;
        const probe = probes[index]!;
        try {
          problems[index] = judge(probe, await send(baseUrl, probe));
        } catch (error) {
          problems[index] = `${probe.label}: request failed: ${(error as Error).message}`;
        }
      }
    }),
  );
  return { sent: probes.length, problems: problems.filter((p): p is string => p !== null) };
}

/** Small seeded helpers for building inputs. */
export function picker(random: Random) {
  const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  /** A string of random code points from several scripts, emoji and odd characters included. */
  const unicode = (length: number): string => {
    const ranges: Array<[number, number]> = [
      [0x20, 0x7e],
      [0xa0, 0x2ff],
      [0x370, 0x3ff],
      [0x400, 0x4ff],
      [0x4e00, 0x9fff],
      [0x1f300, 0x1faff],
      [0x200b, 0x200f],
      [0xfff0, 0xfffd],
    ];
    let text = '';
    for (let i = 0; i < length; i++) {
      const [low, high] = pick(ranges);
      text += String.fromCodePoint(int(low, high));
    }
    return text;
  };
  return { int, pick, unicode, chance: (p: number) => random() < p };
}
