// The shadow runner: takes finished exchanges the gateway sampled, and off the request path asks
// the other tier's model for its own (non-streamed) answer, has the judge compare both answers in
// both orders, combines the verdicts into a label and stores one shadow_labels row. Per router:
// bounded concurrency, a bounded queue (drops counted), and a daily USD cap that every job
// reserves its worst case against before it sends anything (per process, or the fleet's through
// the shared spend ledger). Prompt text lives only in the queued
// job's memory; the row holds the prompt hash. stop() drops what is queued and cuts running jobs.

import { own } from '../../config/lookup.ts';
import type { ShadowConfig } from '../../config/learning-loop.ts';
import type { ModelConfig, PricePerMTok, RouterConfig, Tier, TriageConfig } from '../../config/types.ts';
import type { LearningStore } from '../../store/learning-store.ts';
import type { NewShadowLabel, ShadowLabelKind } from '../../store/shadow-labels.ts';
import type { SpendLedger } from '../../store/shared-state/spend-ledger.ts';
import { periodSpan } from '../budget/period.ts';
import { promptTokenEstimate } from '../budget/worst-case.ts';
import { combineVerdicts } from '../judge/combine.ts';
import type { Judge, JudgeResult } from '../judge/judge.ts';
import { createJudge } from '../judge/registry.ts';
import type { ModelCall, ModelCallResult } from '../model-call.ts';
import { DailyCap, type ShadowSpendCap } from './daily-cap.ts';
import { LedgerDailyCap } from './ledger-cap.ts';
import type { ShadowJob, ShadowSampler } from './port.ts';

export type ShadowDropReason = 'queue_full' | 'daily_cap' | 'no_answer' | 'too_large' | 'shutdown' | 'store_error';

/** What the runner reports (the gateway turns these into /metrics counters). */
export interface ShadowEvents {
  sampled(router: string): void;
  dropped(router: string, reason: ShadowDropReason): void;
  labelled(router: string, label: ShadowLabelKind, costUsd: number): void;
}

export interface ShadowRunnerOptions {
  config: TriageConfig;
  store: LearningStore;
  call: ModelCall;
  /** Uniform [0, 1) draws for sampling (seeded in tests). */
  random?: () => number;
  now?: () => number;
  events?: Partial<ShadowEvents>;
  onError?: (message: string) => void;
  /** The fleet's spend ledger: each router's daily cap then holds for every instance sharing it (absent: this process's own cap). */
  fleetSpend?: SpendLedger;
}

interface RouterLane {
  name: string;
  router: RouterConfig;
  shadow: ShadowConfig;
  judge: Judge;
  cap: ShadowSpendCap;
  queue: ShadowJob[];
  running: number;
}

/** The dearest of a model's prices (its own and its deployments'), for worst cases. */
function dearest(model: ModelConfig): PricePerMTok {
  const prices = [model.pricePerMTok, ...model.deployments.flatMap((d) => (d.pricePerMTok ? [d.pricePerMTok] : []))];
  return { input: Math.max(...prices.map((p) => p.input)), output: Math.max(...prices.map((p) => p.output)) };
}

const usdOf = (price: PricePerMTok, promptTokens: number, completionTokens: number): number =>
  (promptTokens * price.input + completionTokens * price.output) / 1_000_000;

const otherTier = (tier: Tier): Tier => (tier === 'strong' ? 'weak' : 'strong');

export class ShadowRunner implements ShadowSampler {
  private readonly lanes = new Map<string, RouterLane>();
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly abort = new AbortController();
  private readonly active = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly options: ShadowRunnerOptions) {
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  /** Routers with shadow judging on, once start() has read their spend so far today. */
  get routers(): string[] {
    return [...this.lanes.keys()];
  }

  async start(): Promise<void> {
    const { config, store, call } = this.options;
    const day = periodSpan('day', this.now());
    for (const [name, router] of Object.entries(config.routers)) {
      const shadow = router.shadow;
      if (!shadow) continue;
      const judgeModel = own(config.models, shadow.judge);
      if (!judgeModel) throw new Error(`router ${name}: shadow judge "${shadow.judge}" is not a configured model`);
      const judgePrice = dearest(judgeModel);
      const judge = createJudge(shadow.judgeKind, {
        alias: shadow.judge,
        call,
        maxTokens: shadow.judgeMaxTokens,
        priceOf: (promptTokens, completionTokens) => usdOf(judgePrice, promptTokens, completionTokens),
      });
      const fleet = this.options.fleetSpend;
      const cap: ShadowSpendCap = fleet
        ? new LedgerDailyCap({
            ledger: fleet, router: name, maxUsdPerDay: shadow.maxUsdPerDay, now: this.now,
            storedSpend: async (since, until) => (await store.shadowSpend({ router: name, since, until })).costUsd,
          })
        : new DailyCap(shadow.maxUsdPerDay, this.now, (await store.shadowSpend({ router: name, since: day.start, until: day.end })).costUsd);
      this.lanes.set(name, { name, router, shadow, judge, cap, queue: [], running: 0 });
    }
  }

  sample(routerName: string, bodyChars: number): boolean {
    const lane = this.lanes.get(routerName);
    if (!lane || this.stopped || lane.shadow.sampleRate <= 0) return false;
    const chosen = this.random() < lane.shadow.sampleRate;
    if (!chosen) return false;
    this.options.events?.sampled?.(routerName);
    if (bodyChars > lane.shadow.maxPromptChars) {
      this.drop(lane, 'too_large');
      return false;
    }
    return true;
  }

  maxAnswerChars(routerName: string): number {
    return this.lanes.get(routerName)?.shadow.maxAnswerChars ?? 0;
  }

  offer(job: ShadowJob): void {
    const lane = this.lanes.get(job.routerName);
    if (!lane) return;
    if (this.stopped) return this.drop(lane, 'shutdown');
    // At most concurrency + queueSize jobs held per router, running or waiting.
    if (lane.running + lane.queue.length >= lane.shadow.concurrency + lane.shadow.queueSize) return this.drop(lane, 'queue_full');
    lane.queue.push(job);
    // Start on a later turn of the event loop: the client's response is written first.
    setImmediate(() => this.pump(lane));
  }

  /** Jobs queued or running, over all routers. */
  get pending(): number {
    let total = 0;
    for (const lane of this.lanes.values()) total += lane.queue.length + lane.running;
    return total;
  }

  /** Resolves when no job is queued or running (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.active.size > 0 || [...this.lanes.values()].some((lane) => lane.queue.length > 0)) {
      if (this.active.size > 0) await Promise.allSettled([...this.active]);
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Drops queued jobs (counted), cuts running ones, and waits for them to record what they spent. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const lane of this.lanes.values()) {
      for (const _job of lane.queue.splice(0)) this.drop(lane, 'shutdown');
    }
    this.abort.abort();
    await Promise.allSettled([...this.active]);
  }

  private drop(lane: RouterLane, reason: ShadowDropReason): void {
    this.options.events?.dropped?.(lane.name, reason);
  }

  private pump(lane: RouterLane): void {
    while (!this.stopped && lane.running < lane.shadow.concurrency && lane.queue.length > 0) {
      const job = lane.queue.shift();
      if (!job) break;
      lane.running += 1;
      const work = this.run(lane, job)
        .catch((error: unknown) => this.options.onError?.(`shadow job ${job.decisionId} failed: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => {
          lane.running -= 1;
          this.active.delete(work);
          this.pump(lane);
        });
      this.active.add(work);
    }
  }

  private async run(lane: RouterLane, job: ShadowJob): Promise<void> {
    const { config, call } = this.options;
    const served = job.answer();
    if (served === null || served.trim() === '' || served.length > lane.shadow.maxAnswerChars) return this.drop(lane, 'no_answer');
    const shadowTier = otherTier(job.servedTier);
    const shadowAlias = lane.router[shadowTier];
    const shadowModel = own(config.models, shadowAlias);
    const judgeModel = own(config.models, lane.shadow.judge);
    const servedModel = own(config.models, lane.router[job.servedTier]);
    if (!shadowModel || !judgeModel || !servedModel) return this.drop(lane, 'no_answer');
    const maxTokens = Math.min(job.maxTokens ?? lane.shadow.maxTokens, lane.shadow.maxTokens);
    const request = { messages: job.conversation, maxTokens, ...(job.temperature === null ? {} : { temperature: job.temperature }) };

    // Worst case: the shadow call at its token bound, and two judge calls whose prompt holds both answers.
    const shadowWorst = usdOf(dearest(shadowModel), promptTokenEstimate({ model: shadowAlias, messages: job.conversation }), maxTokens);
    const judgeWorst = lane.judge.worstCaseUsd({ conversation: job.conversation, first: served, second: 'x'.repeat(2 * maxTokens) });
    // A ledger that cannot answer counts as a full cap: judging is never worth spending blind.
    const lease = await Promise.resolve(lane.cap.reserve(shadowWorst + 2 * judgeWorst)).catch(() => null);
    if (!lease) return this.drop(lane, 'daily_cap');

    let cost = 0;
    try {
      const signal = this.abort.signal;
      const shadow: ModelCallResult = await call.complete(shadowAlias, request, signal);
      const models = {
        strongModel: shadowTier === 'strong' && shadow.ok ? shadow.modelId : (shadowTier === 'strong' ? shadowModel : servedModel).id,
        weakModel: shadowTier === 'weak' && shadow.ok ? shadow.modelId : (shadowTier === 'weak' ? shadowModel : servedModel).id,
      };
      const base = {
        decisionId: job.decisionId, ts: this.now(), router: lane.name, promptHash: job.promptHash, servedTier: job.servedTier,
        ...models, judgeModel: judgeModel.id,
      };
      if (!shadow.ok) {
        await this.save(lane, { ...base, ...unusable(`shadow call to ${shadowAlias} failed: ${shadow.error}`), costUsd: 0, shadowTokensIn: null, shadowTokensOut: null });
        return;
      }
      cost += shadow.costUsd;
      const shadowTokens = { shadowTokensIn: shadow.promptTokens, shadowTokensOut: shadow.completionTokens };
      const strong = shadowTier === 'strong' ? shadow.text : served;
      const weak = shadowTier === 'weak' ? shadow.text : served;
      const strongFirst = await lane.judge.compare({ conversation: job.conversation, first: strong, second: weak }, signal);
      cost += strongFirst.costUsd;
      const weakFirst = signal.aborted ? cutJudge(judgeModel.id) : await lane.judge.compare({ conversation: job.conversation, first: weak, second: strong }, signal);
      cost += weakFirst.costUsd;
      const error = strongFirst.error ?? weakFirst.error;
      await this.save(lane, {
        ...base,
        judgeModel: [strongFirst, weakFirst].find((verdict) => verdict.error === null)?.model ?? judgeModel.id,
        verdictStrongFirst: strongFirst.verdict,
        verdictWeakFirst: weakFirst.verdict,
        label: combineVerdicts(strongFirst.verdict, weakFirst.verdict),
        costUsd: cost,
        ...shadowTokens,
        judgeTokensIn: sumOrNull(strongFirst.promptTokens, weakFirst.promptTokens),
        judgeTokensOut: sumOrNull(strongFirst.completionTokens, weakFirst.completionTokens),
        error: error === null ? null : `judge call failed: ${error}`,
      });
    } finally {
      lease.settle(cost);
    }
  }

  private async save(lane: RouterLane, label: NewShadowLabel): Promise<void> {
    try {
      await this.options.store.saveShadowLabel(label);
    } catch (error) {
      this.options.onError?.(`shadow label for ${label.decisionId} not stored: ${error instanceof Error ? error.message : String(error)}`);
      return this.drop(lane, 'store_error');
    }
    this.options.events?.labelled?.(lane.name, label.label, label.costUsd);
  }
}

function unusable(error: string): Pick<NewShadowLabel, 'verdictStrongFirst' | 'verdictWeakFirst' | 'label' | 'judgeTokensIn' | 'judgeTokensOut' | 'error'> {
  return { verdictStrongFirst: 'unparsable', verdictWeakFirst: 'unparsable', label: 'unusable', judgeTokensIn: null, judgeTokensOut: null, error };
}

function cutJudge(model: string): JudgeResult {
  return { verdict: 'unparsable', model, promptTokens: null, completionTokens: null, costUsd: 0, error: 'cut at shutdown' };
}

function sumOrNull(a: number | null, b: number | null): number | null {
  return a === null && b === null ? null : (a ?? 0) + (b ?? 0);
}
