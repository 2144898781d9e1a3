// Fuzz suite: a few thousand seeded hostile requests against the real gateway on 127.0.0.1 in front
// of the fake upstream. Every answer is a 2xx or a 4xx in OpenAI's error shape (a 4xx where the input
// is invalid), never a 5xx; the gateway keeps serving, its RSS returns near the baseline and /metrics
// stays bounded.
// Seed: TRIAGE_FUZZ_SEED (default 9); a failure message names the probe, so it can be replayed.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/eval/prng.ts';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { errorShapeProblem, parseRawResponse, picker, runProbes, send, sendRaw, utf8Header, type Probe } from '../support/fuzz.ts';
import { startTestGateway, testConfig, type TestGateway } from '../support/gateway.ts';

const SEED = Number(process.env['TRIAGE_FUZZ_SEED'] ?? 9);
const BODY_LIMIT = 1024 * 1024;
const CHAT = '/v1/chat/completions';
const ROUTE = '/v1/route';
const FEEDBACK = '/v1/feedback';
const POST_PATHS = [CHAT, ROUTE, FEEDBACK] as const;

let upstream: FakeUpstream;
let gateway: TestGateway;
let baselineRssMb = 0;

const hello = [{ role: 'user', content: 'Write a haiku about routers.' }];
const valid = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ model: 'triage', messages: hello, ...extra });
const post = (path: string, body: string | Buffer, label: string, expectation: Probe['expect'], headers: Record<string, string> = {}): Probe => ({
  label,
  method: 'POST',
  path,
  body,
  headers,
  expect: expectation,
});

/** The body is invalid JSON (as the server decodes it: UTF-8, BOM stripped) or not an object. */
function notAnObject(bytes: Buffer): boolean {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof value !== 'object' || value === null || Array.isArray(value);
  } catch {
    return true;
  }
}

async function expectNoProblems(probes: Probe[]): Promise<void> {
  const { sent, problems } = await runProbes(gateway.url, probes);
  expect(sent).toBe(probes.length);
  expect(problems.slice(0, 8), `${problems.length} of ${sent} probes answered wrongly (seed ${SEED})`).toEqual([]);
  upstream.requests.length = 0; // the fake upstream records bodies; keep the process's memory flat
}

beforeAll(async () => {
  upstream = await startFakeUpstream({ text: 'fuzz ok', chunks: 2 });
  gateway = await startTestGateway({ raw: testConfig(upstream.url, upstream.url, { server: { bodyLimitBytes: BODY_LIMIT } }) });
  // Warm every path once, then take the baseline.
  for (const path of [CHAT, ROUTE]) await send(gateway.url, post(path, JSON.stringify(valid()), 'warm-up', 'any'));
  baselineRssMb = process.memoryUsage().rss / 2 ** 20;
});

afterAll(async () => {
  await gateway?.dispose();
  await upstream?.close();
});

describe(`fuzz (seed ${SEED})`, () => {
  it('malformed JSON on every POST endpoint gets a 4xx in the OpenAI shape', async () => {
    const { int, pick, chance } = picker(seededRandom(SEED));
    const base = Buffer.from(JSON.stringify(valid({ metadata: { feature: 'fuzz' } })));
    const fixed = ['', ' ', '{', '}', '[', 'null', 'true', '0', '"text"', '[]', '[{}]', '{"model":}', '{,}', "{'model':'triage'}", 'NaN', '{"a":1,}', '\u0000', '{"model":"triage"'];
    const probes: Probe[] = [];
    for (let i = 0; i < 400; i++) {
      let bytes: Buffer;
      const kind = int(0, 5);
      if (kind === 0) bytes = base.subarray(0, int(0, base.length - 1)); // truncated
      else if (kind === 1) {
        bytes = Buffer.from(base);
        for (let j = int(1, 4); j > 0; j--) bytes[int(0, bytes.length - 1)] = int(0, 255); // flipped bytes
      } else if (kind === 2) bytes = Buffer.from(Array.from({ length: int(1, 200) }, () => int(0, 255))); // noise
      else if (kind === 3) bytes = Buffer.from(pick(fixed));
      else if (kind === 4) bytes = Buffer.concat([base, Buffer.from(pick(['}', ']', ',', 'x', '{}', '\n{"model":"triage"}']))]); // trailing junk
      else bytes = Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3]), base]); // invalid UTF-8 in front
      const path = pick(POST_PATHS);
      const expectation = notAnObject(bytes) ? 'reject' : 'any';
      probes.push(post(path, bytes, `malformed#${i} kind ${kind}`, expectation, chance(0.2) ? { 'content-type': 'text/plain' } : {}));
    }
    await expectNoProblems(probes);
  }, 60_000);

  it('wrong types in chat, route and feedback bodies get a 4xx', async () => {
    const { pick } = picker(seededRandom(SEED + 1));
    const wrongByField: Record<string, unknown[]> = {
      model: [5, true, null, [], {}, '', ['triage'], { id: 'triage' }],
      messages: [5, 'hello', true, null, {}, [], [1], [null], ['hello'], [{}], [{ role: 5, content: 'x' }], [{ role: 'wizard', content: 'x' }], [[{ role: 'user' }]]],
      content: [5, true, {}, { text: 'x' }, [1], [{}], [{ type: 5 }], ['x']],
      stream: ['true', 1, 0, [], {}],
      stream_options: ['yes', 5, true, []],
      user: [5, true, {}, [], null],
      metadata: [5, 'x', true, { k: 5 }, { k: {} }, { k: null }, { k: ['v'] }],
    };
    const feedbackWrong: Array<Record<string, unknown>> = [
      {},
      { decision_id: 5, rating: 1 },
      { decision_id: '', rating: 1 },
      { decision_id: null, rating: 1 },
      { decision_id: ['dec_x'], rating: 1 },
      { decision_id: 'dec_x' },
      { decision_id: 'dec_x', rating: 'good' },
      { decision_id: 'dec_x', rating: {} },
      { decision_id: 'dec_x', label: '' },
      { decision_id: 'dec_x', label: 'x'.repeat(65) },
      { decision_id: 'dec_x', label: 7 },
      { decision_id: 'dec_x', rating: 1, source: '' },
      { decision_id: 'dec_x', rating: 1, source: { judge: true } },
      { decision_id: 'dec_x', rating: 1, unknown_field: 1 },
      { decision_id: 'dec_does_not_exist', rating: 1 },
      { decision_id: 'constructor', rating: 1 },
      { decision_id: '__proto__', label: 'good' },
    ];
    const probes: Probe[] = [];
    const fields = Object.keys(wrongByField);
    for (let i = 0; i < 350; i++) {
      const field = pick(fields);
      const wrong = pick(wrongByField[field]!);
      const body = valid();
      if (field === 'content') body['messages'] = [{ role: 'user', content: wrong }];
      else body[field] = wrong;
      probes.push(post(pick([CHAT, ROUTE]), JSON.stringify(body), `wrong type#${i} ${field}=${JSON.stringify(wrong)}`, 'reject'));
    }
    for (let i = 0; i < 100; i++) {
      const body = pick(feedbackWrong);
      probes.push(post(FEEDBACK, JSON.stringify(body), `feedback#${i} ${JSON.stringify(body)}`, 'reject'));
    }
    await expectNoProblems(probes);
  }, 60_000);

  it('huge and deeply nested bodies are answered without a 5xx', async () => {
    const { pick } = picker(seededRandom(SEED + 2));
    const nested = (depth: number, open: string, close: string, leaf = '1'): string => open.repeat(depth) + leaf + close.repeat(depth);
    const probes: Probe[] = [];
    for (const depth of [100, 1_000, 10_000, 100_000]) {
      const arrays = nested(depth, '[', ']');
      const objects = nested(depth, '{"a":', '}');
      for (const path of POST_PATHS) {
        probes.push(post(path, arrays, `bare array depth ${depth}`, 'reject'));
        probes.push(post(path, objects, `bare object depth ${depth}`, 'reject'));
        probes.push(post(path, `{"model":"triage","messages":${arrays}}`, `messages nested ${depth}`, 'reject'));
        probes.push(post(path, `{"model":${objects},"messages":[]}`, `model nested ${depth}`, 'reject'));
        probes.push(post(path, `{"decision_id":"dec_x","rating":${arrays}}`, `rating nested ${depth}`, 'reject'));
      }
      probes.push(post(pick([CHAT, ROUTE]), `{"model":"triage","messages":[{"role":"user","content":"hi"}],"metadata":{"k":${objects}}}`, `metadata nested ${depth}`, 'reject'));
    }
    const deep = '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000);
    const deepExtra = `{"model":"triage","messages":[{"role":"user","content":"hi"}],"extra":${deep}}`;
    probes.push(post(CHAT, deepExtra, 'unknown field nested 50k', 'any'), post(ROUTE, deepExtra, 'unknown field nested 50k', 'any'));
    const bigText = 'x'.repeat(BODY_LIMIT + 10);
    for (const path of POST_PATHS) probes.push(post(path, JSON.stringify(valid({ pad: bigText })), 'over the body limit', 'reject'));
    probes.push(post(ROUTE, JSON.stringify(valid({ messages: Array.from({ length: 20_000 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: 'a' })) })), '20k messages', 'any'));
    probes.push(post(ROUTE, JSON.stringify(valid({ messages: [{ role: 'user', content: '€'.repeat(300_000) }] })), '900 KB of one character', 'any'));
    await expectNoProblems(probes);
  }, 60_000);

  it('odd x-triage-tags, x-triage-mode and other headers are answered without a 5xx', async () => {
    const { int, pick, unicode, chance } = picker(seededRandom(SEED + 3));
    const probes: Probe[] = [];
    for (let i = 0; i < 300; i++) {
      const headers: Record<string, string> = {};
      let expectation: Probe['expect'] = 'any';
      const kind = int(0, 7);
      if (kind === 0) headers['x-triage-tags'] = utf8Header(`feature=${unicode(int(1, 40))}`); // unicode value
      else if (kind === 1) {
        headers['x-triage-tags'] = utf8Header(`${unicode(int(1, 10))}=v`); // unicode key
        expectation = /^[A-Za-z0-9_.:/-]{1,64}=v$/.test(headers['x-triage-tags']) ? 'any' : 'reject';
      } else if (kind === 2) {
        headers['x-triage-tags'] = `feature=${'v'.repeat(int(257, 6000))}`; // value over 256 characters
        expectation = 'reject';
      } else if (kind === 3) headers['x-triage-tags'] = Array.from({ length: int(1, 400) }, (_, j) => `k${j}=v${j}`).join(','); // many pairs
      else if (kind === 4) headers['x-triage-tags'] = pick([',,,', ' , ', '=', '==', 'a=b=c', '__proto__=x', 'constructor=y', 'k=']);
      else if (kind === 5) headers['x-triage-mode'] = utf8Header(pick(['', ' ', 'PLAN', 'plan ', '__proto__', 'constructor', 'toString', unicode(int(1, 30)), 'x'.repeat(int(100, 6000))]));
      else if (kind === 6) headers['content-type'] = pick(['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'multipart/form-data; boundary=x', utf8Header(unicode(8))]);
      else headers[pick(['authorization', 'x-api-key', 'x-request-id', 'accept', 'accept-encoding'])] = utf8Header(pick(['Bearer ', 'Bearer 🗝️', 'gzip, br', unicode(int(1, 50)), 'x'.repeat(int(1, 4000))]));
      if (expectation === 'any' && headers['x-triage-tags'] !== undefined && !validTags(headers['x-triage-tags'])) expectation = 'reject';
      const path = pick([CHAT, ROUTE, ROUTE]);
      probes.push(post(path, JSON.stringify(valid(chance(0.2) ? { stream: true } : {})), `header#${i} kind ${kind}`, expectation, headers));
    }
    await expectNoProblems(probes);
  }, 60_000);

  it("a header block over Node's limit gets a 431 in the OpenAI shape", async () => {
    const raw = `POST ${CHAT} HTTP/1.1\r\nhost: 127.0.0.1\r\nx-triage-tags: k=${'v'.repeat(20_000)}\r\ncontent-length: 2\r\n\r\n{}`;
    const answer = parseRawResponse(await sendRaw(gateway.url, raw));
    expect(answer.status).toBe(431);
    expect(errorShapeProblem(answer.body)).toBeNull();
  });

  it('a malformed request line gets a 400 in the OpenAI shape', async () => {
    const answer = parseRawResponse(await sendRaw(gateway.url, 'BREW /v1/chat/completions HTCPCP/1.0\r\n\u0001\u0002\r\n\r\n'));
    expect(answer.status).toBe(400);
    expect(errorShapeProblem(answer.body)).toBeNull();
  });

  it('a UTF-8 tag value is logged as sent', async () => {
    const response = await send(gateway.url, post(ROUTE, JSON.stringify(valid()), 'utf-8 tag', 'any', { 'x-triage-tags': utf8Header('feature=über-größe 🚀') }));
    expect(response.status).toBe(200);
    const { id } = JSON.parse(response.text) as { id: string };
    const row = await gateway.store.get(id);
    expect(row?.tags['feature']).toBe('über-größe 🚀');
  });

  it('prototype keys as model names get a 4xx model_not_found', async () => {
    const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__', 'triage/constructor', 'triage/__proto__', 'triage/toString', 'triage/hasOwnProperty'];
    const probes: Probe[] = [];
    for (const model of names) {
      for (const path of [CHAT, ROUTE]) probes.push(post(path, JSON.stringify({ model, messages: hello }), `model ${model}`, 'reject'));
      probes.push(post(CHAT, JSON.stringify({ model, messages: hello, stream: true }), `model ${model} streamed`, 'reject'));
    }
    await expectNoProblems(probes);
  });

  it('prototype keys elsewhere in the body are answered without a 5xx', async () => {
    const probes: Probe[] = [
      post(CHAT, '{"__proto__":{"model":"triage"},"messages":[{"role":"user","content":"hi"}]}', 'model only on __proto__', 'reject'),
      post(ROUTE, '{"model":"triage","messages":[{"role":"user","content":"hi"}],"__proto__":{"stream":true}}', '__proto__ field', 'any'),
      post(ROUTE, '{"model":"triage","messages":[{"role":"user","content":"hi"}],"metadata":{"__proto__":"x","constructor":"y"}}', 'metadata prototype keys', 'any'),
      post(ROUTE, '{"model":"triage","messages":[{"role":"user","content":"hi","__proto__":{"role":"system"}}]}', 'message __proto__', 'any'),
      post(FEEDBACK, '{"__proto__":{"decision_id":"x","rating":1}}', 'feedback on __proto__', 'reject'),
    ];
    await expectNoProblems(probes);
  });

  it('RouteLLM names with many thresholds are routed or refused, never a 5xx', async () => {
    const { int, pick } = picker(seededRandom(SEED + 4));
    const probes: Probe[] = [];
    for (let i = 0; i < 250; i++) {
      const threshold = (int(0, 10 ** 7) / 10 ** 7).toString();
      probes.push(post(pick([ROUTE, ROUTE, CHAT]), JSON.stringify({ model: `router-random-${threshold}`, messages: hello }), `router-random-${threshold}`, 'any'));
    }
    const refused = ['router-random-1.5', 'router-random-2', 'router-random-', 'router-random-0.5x', 'router-random--0.5', 'router-random-1e-3', 'router-RANDOM-0.5', 'router-bogus-0.5', 'router--0.5', 'router-random-0.5-0.5', `router-random-0.${'5'.repeat(5000)}9x`];
    for (const model of refused) for (const path of [CHAT, ROUTE]) probes.push(post(path, JSON.stringify({ model, messages: hello }), `refused ${model.slice(0, 40)}`, 'reject'));
    await expectNoProblems(probes);
  }, 60_000);

  it('/metrics stays under 200 KB after thousands of distinct router names', async () => {
    const probes: Probe[] = [];
    for (let i = 0; i < 2_000; i++) {
      probes.push(post(ROUTE, JSON.stringify({ model: `router-random-0.${String(i).padStart(6, '0')}1`, messages: hello }), `distinct name ${i}`, 'any'));
    }
    await expectNoProblems(probes);
    const metrics = await send(gateway.url, { label: 'metrics', method: 'GET', path: '/metrics', expect: 'any' });
    expect(metrics.status).toBe(200);
    expect(Buffer.byteLength(metrics.text)).toBeLessThan(200 * 1024);
  }, 60_000);

  it('absurd but well-formed bodies are forwarded or refused, never a 5xx', async () => {
    const { int, pick } = picker(seededRandom(SEED + 5));
    const absurd: Array<() => Record<string, unknown>> = [
      () => ({ n: pick([-1, 0, 1e9, 1.5]) }),
      () => ({ max_tokens: pick([-5, 0, 1e308, 'lots', null, []]) }),
      () => ({ temperature: pick(['hot', -1e9, 1e9, {}]) }),
      () => ({ tools: pick(['x', [1], [{}], [{ type: 'function' }], [{ type: 'function', function: { name: 5 } }], {}]) }),
      () => ({ response_format: pick([5, 'json', { type: 'nonsense' }, []]) }),
      () => ({ stream: true, stream_options: pick([null, {}, { include_usage: true }, { include_usage: 'yes' }]) }),
      () => ({ messages: [{ role: 'user', content: pick(['\u0000\u0000', '\ud800', '\udfff\ud800', '\u202e\u2066 RTL', '🚀'.repeat(int(1, 5000)), ''.padEnd(int(1, 200_000), 'ab')]) }] }),
      () => ({ messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,' + 'A'.repeat(int(1, 50_000)) } }] }] }),
      () => ({ messages: [{ role: 'tool', content: 'orphan tool result', tool_call_id: 5 }] }),
      () => ({ messages: [{ role: 'assistant', content: null }, { role: 'system', content: null }] }),
      () => Object.fromEntries(Array.from({ length: int(1, 5_000) }, (_, i) => [`k${i}`, i])),
      () => ({ model: pick(['triage/default', 'triage/alwaysWeak', 'strong', 'weak', 'fake-strong']), user: 'u'.repeat(int(1, 3000)) }),
      () => ({ metadata: Object.fromEntries(Array.from({ length: int(1, 300) }, (_, i) => [`m${i}`, 'v'.repeat(int(0, 300))])) }),
      () => ({ metadata: { mode: pick(['plan', 'summarize', 'constructor', '__proto__', 'x'.repeat(2000)]) } }),
    ];
    const probes: Probe[] = [];
    for (let i = 0; i < 250; i++) {
      const body = valid(pick(absurd)());
      probes.push(post(pick([CHAT, ROUTE, ROUTE]), JSON.stringify(body), `absurd#${i} ${JSON.stringify(body).slice(0, 60)}`, 'any'));
    }
    const unknownModel = (name: string) => post(pick([CHAT, ROUTE]), JSON.stringify({ model: name, messages: hello }), `unknown model ${name.slice(0, 30)}`, 'reject');
    probes.push(unknownModel('m'.repeat(100_000)), unknownModel('triage/'), unknownModel('triage/nope'), unknownModel(' triage'), unknownModel('TRIAGE'), unknownModel('\u0000'));
    await expectNoProblems(probes);
  }, 60_000);

  it('/v1/models, unknown paths and wrong methods are answered in the OpenAI shape', async () => {
    const { int, pick, unicode } = picker(seededRandom(SEED + 6));
    const probes: Probe[] = [];
    for (let i = 0; i < 200; i++) {
      const kind = int(0, 4);
      if (kind === 0) probes.push({ label: `models#${i}`, method: 'GET', path: `/v1/models?${encodeURIComponent(unicode(int(1, 30)))}=${'x'.repeat(int(0, 2000))}`, expect: 'any' });
      else if (kind === 1) probes.push({ label: `models method#${i}`, method: pick(['POST', 'PUT', 'DELETE', 'PATCH']), path: '/v1/models', body: '{}', expect: 'reject' });
      else if (kind === 2) probes.push({ label: `wrong method#${i}`, method: pick(['GET', 'PUT', 'DELETE', 'PATCH']), path: pick(POST_PATHS), expect: 'reject' });
      else if (kind === 3) probes.push({ label: `unknown path#${i}`, method: pick(['GET', 'POST']), path: `/v1/zz-${encodeURIComponent(unicode(int(1, 20)))}${pick(['', '/..%2f..%2f', '%00', '/' + 'p'.repeat(int(1, 4000))])}`, body: '{}', expect: 'reject' });
      else probes.push({ label: `model id#${i}`, method: 'GET', path: `/v1/models/${encodeURIComponent(pick(['triage', 'strong', '__proto__', 'constructor', unicode(10)]))}`, expect: 'any' });
    }
    await expectNoProblems(probes);
  }, 60_000);

  it('a normal request succeeds afterwards, and nothing is left in flight', async () => {
    const chat = await send(gateway.url, post(CHAT, JSON.stringify(valid()), 'normal chat', 'any'));
    expect(chat.status).toBe(200);
    expect(JSON.parse(chat.text)).toMatchObject({ object: 'chat.completion', choices: [{ message: { content: 'fuzz ok' } }] });
    const route = await send(gateway.url, post(ROUTE, JSON.stringify(valid()), 'normal route', 'any'));
    expect(route.status).toBe(200);
    const health = await send(gateway.url, { label: 'health', method: 'GET', path: '/healthz', expect: 'any' });
    expect(health.status).toBe(200);
    expect(gateway.ctx.inflight.size).toBe(0);
  });

  it('RSS returns near the baseline', async () => {
    upstream.requests.length = 0;
    await gateway.store.flush();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const rssMb = process.memoryUsage().rss / 2 ** 20;
    // Generous: the process also holds the test's own buffers and V8 may keep freed heap for a while.
    expect(rssMb - baselineRssMb).toBeLessThan(250);
  });
});

/** The header's pairs as the README defines them: ASCII keys of 1-64 characters, values up to 256. */
function validTags(header: string): boolean {
  return header
    .split(',')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '')
    .every((pair) => {
      const eq = pair.indexOf('=');
      return eq > 0 && /^[A-Za-z0-9_.:/-]{1,64}$/.test(pair.slice(0, eq).trim()) && pair.slice(eq + 1).trim().length <= 256;
    });
}
