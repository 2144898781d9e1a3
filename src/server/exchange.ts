// One request's decision-log row, owned by one object from arrival to the end. Stages, in order:
// begin (constructor: arrival time, in-flight mark), decided (what routing chose), served (which
// attempt answered), first byte, usage, end. end() is idempotent and is the only place that logs the
// row, counts the request in /metrics and releases the in-flight mark, so no exit path can log twice
// or not at all. Hooks registered on the context run after end() (e.g. budget spend).

import { randomUUID } from 'node:crypto';
import type { Tier } from '../config/types.ts';
import type { Usage } from '../protocol/chat.ts';
import { costUsd } from '../routing/cost.ts';
import type { DecisionKind, DecisionRecord } from '../store/store.ts';
import type { AnswerCapture } from './answer-capture.ts';
import type { GatewayContext } from './context.ts';
import type { AttemptOutcome, AttemptResult } from './upstream/call.ts';

/** "dec_" and the 32 hex digits of a random UUID (its dashes dropped by slicing, not a regex per request). */
function decisionId(): string {
  const uuid = randomUUID();
  return `dec_${uuid.slice(0, 8)}${uuid.slice(9, 13)}${uuid.slice(14, 18)}${uuid.slice(19, 23)}${uuid.slice(24)}`;
}

/** A log row with nothing decided yet. */
function newRecord(kind: DecisionKind, receivedAt: number): DecisionRecord {
  return {
    id: decisionId(),
    createdAt: receivedAt,
    kind,
    router: null,
    scorer: null,
    tags: {},
    mode: null,
    taskType: null,
    promptHash: '',
    promptText: null,
    score: null,
    threshold: null,
    tier: null,
    reason: 'passthrough',
    modelAlias: null,
    modelId: null,
    provider: null,
    fallbackUsed: false,
    stream: false,
    status: 0,
    error: null,
    promptTokens: null,
    completionTokens: null,
    cachedTokens: null,
    costUsd: null,
    decisionMs: null,
    latencyMs: null,
    ttfbMs: null,
    keyId: null,
  };
}

export class Exchange {
  readonly record: DecisionRecord;
  readonly receivedAt = Date.now();
  /** performance.now() at arrival, for latencies. */
  readonly startedMs = performance.now();
  /** The bounded router name used in metric labels ("none" for pass-through). */
  metricsRouter = 'none';
  /** Where the routed threshold came from (config, calibration, controller, ...); null when not routed. */
  thresholdSource: string | null = null;
  /** The routing ladder's models, strongest first (null when not routed), for the x-triage-rung header. */
  rungModels: readonly string[] | null = null;
  /** The served attempt, once one answered. */
  outcome: AttemptOutcome<AttemptResult> | null = null;
  /** Set when the request was drawn for shadow judging: the served answer is kept here. */
  capture: AnswerCapture | null = null;
  #ended = false;
  readonly #done: () => void;
  readonly #onEnd: Array<(record: DecisionRecord) => void> = [];

  constructor(
    private readonly ctx: GatewayContext,
    kind: DecisionKind,
  ) {
    this.record = newRecord(kind, this.receivedAt);
    this.#done = ctx.inflight.begin();
  }

  get id(): string {
    return this.record.id;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** The attempt that answered: model, provider, and the fallback note when it was not the first. */
  served(outcome: AttemptOutcome<AttemptResult>, router: { strong: string; weak: string } | null): void {
    this.outcome = outcome;
    const { record } = this;
    record.modelAlias = outcome.attempt.alias;
    record.modelId = outcome.attempt.deployment.id;
    record.provider = outcome.attempt.deployment.provider;
    // Reasoning the served model's family could not read was removed or converted: say so on the row.
    const reasoning = 'warnings' in outcome.result ? outcome.result.warnings.filter((w) => w.startsWith('reasoning: ')) : [];
    if (reasoning.length > 0) record.reason = `${record.reason}; ${reasoning.join('; ')}`.slice(0, 2000);
    if (!outcome.retried) return;
    record.fallbackUsed = true;
    // The top rung is strong; any other rung of the ladder (the bottom one or one in between) is weak.
    const alias = outcome.attempt.alias;
    const onLadder = alias === router?.weak || (this.rungModels?.includes(alias) ?? false);
    const tier: Tier | null = router === null ? null : alias === router.strong ? 'strong' : onLadder ? 'weak' : record.tier;
    record.tier = tier;
    record.reason = `${record.reason}; retried on ${outcome.attempt.alias} after ${outcome.failures.join('; ')}`.slice(0, 2000);
    this.ctx.metrics.fallbacks.inc({ router: this.metricsRouter, reason: 'upstream' });
  }

  /** Time to first byte, from arrival (kept from the first call). */
  firstByte(atMs = performance.now()): void {
    if (this.record.ttfbMs === null) this.record.ttfbMs = atMs - this.startedMs;
  }

  /** Tokens and cost from the upstream's usage, priced at the served model's prices. */
  usage(usage: Usage | undefined): void {
    const outcome = this.outcome;
    if (!usage || !outcome) return;
    const { record } = this;
    record.promptTokens = usage.promptTokens;
    record.completionTokens = usage.completionTokens;
    record.cachedTokens = usage.cachedTokens;
    record.costUsd = costUsd(usage, outcome.attempt.deployment.pricePerMTok ?? outcome.attempt.model.pricePerMTok);
    const model = outcome.attempt.alias;
    this.ctx.metrics.tokens.inc({ model, type: 'prompt' }, usage.promptTokens);
    this.ctx.metrics.tokens.inc({ model, type: 'completion' }, usage.completionTokens);
    this.ctx.metrics.tokens.inc({ model, type: 'cached' }, usage.cachedTokens);
    this.ctx.metrics.cost.inc({ model }, record.costUsd);
  }

  /** Runs `fn` with the final row when this exchange ends (e.g. to settle a spend reservation). */
  onEnd(fn: (record: DecisionRecord) => void): void {
    if (this.#ended) fn(this.record);
    else this.#onEnd.push(fn);
  }

  /** Logs the row and counts the request, once; later calls do nothing. */
  end(status: number, error: string | null, statusLabel = String(status)): void {
    if (this.#ended) return;
    this.#ended = true;
    const { record, ctx } = this;
    record.status = status;
    record.error = error === null ? null : error.slice(0, 2000);
    record.latencyMs = performance.now() - this.startedMs;
    ctx.metrics.requests.inc({ router: this.metricsRouter, model: record.modelAlias ?? 'none', status: statusLabel });
    const served = this.outcome?.attempt.alias;
    if (served !== undefined) {
      ctx.metrics.upstreamSeconds.observe({ model: served }, record.latencyMs / 1000);
      if (record.ttfbMs !== null) ctx.metrics.ttfbSeconds.observe({ model: served }, record.ttfbMs / 1000);
    }
    ctx.store.log(record);
    // The request's own hooks, then the context's (no array is built when there are none).
    this.#runHooks(this.#onEnd);
    this.#runHooks(ctx.exchangeHooks);
    this.#done();
  }

  #runHooks(hooks: ReadonlyArray<(record: DecisionRecord) => void>): void {
    for (let i = 0; i < hooks.length; i++) {
      try {
        hooks[i]?.(this.record);
      } catch (thrown) {
        this.ctx.log.error('exchange_hook_failed', { message: thrown instanceof Error ? thrown.message : String(thrown) });
      }
    }
  }
}
