// The metrics registry's own bounds: at most MAX_SERIES label sets per metric (the rest counted in
// one overflow series), counters that never go down, and non-finite observations ignored.

import { describe, expect, it } from 'vitest';
import { GatewayMetrics, MAX_SERIES } from '../../src/server/metrics.ts';

describe('GatewayMetrics bounds', () => {
  it('caps the series per metric and counts the rest under overflow="true"', () => {
    const metrics = new GatewayMetrics();
    for (let i = 0; i < MAX_SERIES + 250; i++) metrics.requests.inc({ router: `r${i}`, model: 'm', status: '200' });
    const lines = metrics.render().split('\n').filter((line) => line.startsWith('triage_requests_total{'));
    expect(lines).toHaveLength(MAX_SERIES + 1);
    expect(lines).toContain('triage_requests_total{overflow="true"} 250');
  });

  it('ignores negative and non-finite increments and observations', () => {
    const metrics = new GatewayMetrics();
    metrics.cost.inc({ model: 'm' }, 2);
    metrics.cost.inc({ model: 'm' }, -1e302);
    metrics.cost.inc({ model: 'm' }, Number.NaN);
    metrics.upstreamSeconds.observe({ model: 'm' }, Number.POSITIVE_INFINITY);
    const text = metrics.render();
    expect(text).toContain('triage_cost_usd_total{model="m"} 2');
    expect(text).not.toContain('triage_upstream_latency_seconds_count');
  });
});
