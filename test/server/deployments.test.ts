// Deployments: a model alias served by several providers. Load is spread by weight, a failing
// deployment is skipped for another one of the same alias, an open breaker sends its deployment
// last, and the log records which deployment (provider and upstream id) served, at its own price.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../../src/config/types.ts';
import { deploymentOrder } from '../../src/server/upstream/call.ts';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

describe('deploymentOrder', () => {
  const a: Deployment = { provider: 'a', id: 'm', weight: 3 };
  const b: Deployment = { provider: 'b', id: 'm', weight: 1 };
  it('picks by weight and puts deployments with an open breaker last', () => {
    expect(deploymentOrder([a, b], () => true, () => 0.5)).toEqual([a, b]); // 0.5 * 4 = 2 < 3: a first
    expect(deploymentOrder([a, b], () => true, () => 0.8)).toEqual([b, a]); // 3.2 >= 3: b first
    expect(deploymentOrder([a, b], (provider) => provider !== 'a', () => 0.5)).toEqual([b, a]);
  });
});

describe('a model with two deployments', () => {
  let east: FakeUpstream;
  let west: FakeUpstream;
  let gateway: TestGateway;
  beforeAll(async () => {
    east = await startFakeUpstream({ text: 'from east' });
    west = await startFakeUpstream({ text: 'from west' });
    gateway = await startTestGateway({
      raw: {
        providers: { east: { baseUrl: east.url }, west: { baseUrl: west.url } },
        models: {
          big: {
            pricePerMTok: { input: 2, output: 8 },
            deployments: [
              { provider: 'east', id: 'big-east', weight: 3 },
              { provider: 'west', id: 'big-west', weight: 1, pricePerMTok: { input: 1, output: 4 } },
            ],
          },
        },
        routers: { default: { strong: 'big', weak: 'big', scorer: 'random', seed: 1 } },
      },
    });
  });
  afterAll(async () => {
    await gateway.dispose();
    await east.close();
    await west.close();
  });
  const send = () =>
    fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'big', messages: [{ role: 'user', content: 'hi' }] }) });

  it('spreads requests by weight and logs the serving deployment at its own price', async () => {
    for (let i = 0; i < 200; i++) expect((await send()).status).toBe(200);
    expect(east.requests.length + west.requests.length).toBe(200);
    expect(east.requests.length).toBeGreaterThan(110); // expected 150; 110 is more than 6 standard deviations away
    expect(west.requests.length).toBeGreaterThan(15);
    await gateway.store.flush();
    const rows = await gateway.store.decisions({ limit: 200 });
    const westRow = rows.find((row) => row.provider === 'west');
    expect(westRow).toMatchObject({ modelAlias: 'big', modelId: 'big-west' });
    expect(westRow?.costUsd).toBeCloseTo((12 * 1 + 7 * 4) / 1e6, 12);
    const eastRow = rows.find((row) => row.provider === 'east');
    expect(eastRow?.costUsd).toBeCloseTo((12 * 2 + 7 * 8) / 1e6, 12);
    expect(west.requests[0]?.body.model).toBe('big-west');
  });

  it('serves from the other deployment when one fails', async () => {
    east.setBehaviour({ respondWith: { status: 503, body: 'down', contentType: 'text/plain' } });
    for (let i = 0; i < 20; i++) {
      const response = await send();
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('from west');
    }
    east.setBehaviour({});
  });
});
