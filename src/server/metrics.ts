// Prometheus metrics for the gateway, in the text exposition format (no client library): request
// counts by model and status, decision-time and upstream-latency histograms, tokens and cost, and
// circuit-breaker state per provider. Every metric holds at most MAX_SERIES label sets: label
// values come from config (router, model and provider names) or small fixed sets, and anything past
// the cap is counted in one series labelled overflow="true", so /metrics stays bounded whatever
// clients send.

import type { BreakerSnapshot, BreakerState } from './upstream/breaker.ts';

type Labels = Record<string, string>;

export const MAX_SERIES = 500;
const OVERFLOW_KEY = 'overflow="true"';

/** The series key for `labels` in a map that may already hold MAX_SERIES keys. */
function boundedKey(map: ReadonlyMap<string, unknown>, labels: Labels): string {
  const key = labelKey(labels);
  return map.has(key) || map.size < MAX_SERIES ? key : OVERFLOW_KEY;
}

function labelKey(labels: Labels): string {
  const parts = Object.keys(labels)
    .sort()
    .map((key) => `${key}="${String(labels[key]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.join(',');
}

class Counter {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels, by = 1): void {
    if (!Number.isFinite(by) || by < 0) return; // a counter never goes down
    const key = boundedKey(this.values, labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [key, value] of this.values) lines.push(`${this.name}${key ? `{${key}}` : ''} ${value}`);
    return lines.join('\n');
  }
}

class Histogram {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}
  observe(labels: Labels, value: number): void {
    if (!Number.isFinite(value)) return;
    const key = boundedKey(this.series, labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, entry);
    }
    this.buckets.forEach((bound, i) => {
      if (value <= bound) entry.counts[i] = (entry.counts[i] ?? 0) + 1;
    });
    entry.sum += value;
    entry.count += 1;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [key, entry] of this.series) {
      const sep = key ? ',' : '';
      this.buckets.forEach((bound, i) => lines.push(`${this.name}_bucket{${key}${sep}le="${bound}"} ${entry.counts[i]}`));
      lines.push(`${this.name}_bucket{${key}${sep}le="+Inf"} ${entry.count}`);
      lines.push(`${this.name}_sum${key ? `{${key}}` : ''} ${entry.sum}`);
      lines.push(`${this.name}_count${key ? `{${key}}` : ''} ${entry.count}`);
    }
    return lines.join('\n');
  }
}

export class GatewayMetrics {
  readonly requests = new Counter('triage_requests_total', 'Requests handled, by router, model alias and HTTP status.');
  readonly fallbacks = new Counter('triage_fallbacks_total', 'Requests sent to the strong model because scoring or the first upstream failed.');
  readonly tokens = new Counter('triage_tokens_total', 'Tokens reported by upstreams, by model alias and type (prompt, completion, cached).');
  readonly cost = new Counter('triage_cost_usd_total', 'Cost in USD from configured prices, by model alias.');
  readonly decisionSeconds = new Histogram('triage_decision_seconds', 'Time to decide a route (scoring included).', [
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
  ]);
  readonly upstreamSeconds = new Histogram('triage_upstream_latency_seconds', 'Upstream latency (whole response), by model alias.', [
    0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
  ]);
  readonly ttfbSeconds = new Histogram('triage_upstream_ttfb_seconds', 'Upstream time to first byte, by model alias.', [
    0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
  ]);
  // Shadow judging (off the request path): labels made, jobs dropped, and what it spent.
  readonly shadowSampled = new Counter('triage_shadow_sampled_total', 'Requests drawn for shadow judging, by router.');
  readonly shadowLabels = new Counter('triage_shadow_labels_total', 'Shadow labels stored, by router and label.');
  readonly shadowDropped = new Counter('triage_shadow_dropped_total', 'Shadow jobs not judged, by router and reason (queue_full, daily_cap, no_answer, shutdown, store_error).');
  readonly shadowCost = new Counter('triage_shadow_cost_usd_total', 'USD spent on shadow calls and judge calls, by router.');
  private readonly gauges = new Map<string, { help: string; read: () => number }>();
  private readBreakers: () => Record<string, BreakerSnapshot> = () => ({});

  /** A gauge read at scrape time (e.g. the store's dropped-row count). */
  gauge(name: string, help: string, read: () => number): void {
    this.gauges.set(name, { help, read });
  }

  /** Where circuit-breaker states come from (one series per configured provider). */
  breakers(read: () => Record<string, BreakerSnapshot>): void {
    this.readBreakers = read;
  }

  private renderBreakers(): string {
    const states: readonly BreakerState[] = ['closed', 'open', 'half-open'];
    const lines = [
      '# HELP triage_circuit_state Circuit breaker state per provider (1 for the current state).',
      '# TYPE triage_circuit_state gauge',
    ];
    const opened = ['# HELP triage_circuit_opened_total Times a provider\'s circuit breaker opened.', '# TYPE triage_circuit_opened_total counter'];
    for (const [provider, snapshot] of Object.entries(this.readBreakers())) {
      const name = labelKey({ provider });
      for (const state of states) lines.push(`triage_circuit_state{${name},state="${state}"} ${snapshot.state === state ? 1 : 0}`);
      opened.push(`triage_circuit_opened_total{${name}} ${snapshot.opened}`);
    }
    return [...lines, ...opened].join('\n');
  }

  render(): string {
    const parts = [
      this.requests, this.fallbacks, this.tokens, this.cost, this.decisionSeconds, this.upstreamSeconds, this.ttfbSeconds,
      this.shadowSampled, this.shadowLabels, this.shadowDropped, this.shadowCost,
    ].map(
      (metric) => metric.render(),
    );
    parts.push(this.renderBreakers());
    for (const [name, gauge] of this.gauges) parts.push(`# HELP ${name} ${gauge.help}\n# TYPE ${name} gauge\n${name} ${gauge.read()}`);
    return `${parts.join('\n')}\n`;
  }
}
