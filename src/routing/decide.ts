// decide(request, router) -> Decision: the one routing function every entry point uses.
// Order: the client's mode signal, then the scorer (under a time budget), then the inferred task
// type table, then the threshold. Any scorer failure routes to the strong model, with the reason.
// The Decision also carries the retry policy: the ordered models to try and the bounds on trying.

import type { RouterConfig, Tier } from '../config/types.ts';
import type { ChatRequest } from '../protocol/chat.ts';
import type { ScorerPool } from '../scoring/pool.ts';
import type { ScoreResult } from '../scoring/scorer.ts';
import { own } from '../config/lookup.ts';
import { isMode, modeRoute } from './modes.ts';
import { staticThresholdSource, type ThresholdOrigin, type ThresholdSource } from './threshold-source.ts';

/** Bounds on trying the models of a decision one after another. */
export interface RetryPolicy {
  maxAttempts: number;
  /** Overall time for all attempts together (undefined: each attempt's own timeout only). */
  deadlineMs: number | undefined;
  /** Longest Retry-After waited before trying the same model again. */
  maxRetryAfterMs: number;
}

export interface Decision {
  router: string;
  scorer: string | null;
  tier: Tier;
  modelAlias: string;
  /** Model aliases to try in order: the chosen one first, then the fallbacks (no repeats of a neighbour). */
  attempts: string[];
  retry: RetryPolicy;
  score: number | null;
  threshold: number;
  /** The calibration behind the threshold (null: the config's own threshold). */
  calibrationId: string | null;
  thresholdSource: ThresholdOrigin;
  reason: string;
  mode: string | null;
  taskType: string | null;
  /** True when the strong model was chosen because scoring failed or ran out of time. */
  fallbackUsed: boolean;
  decisionMs: number;
  details?: ScoreResult['details'];
  /** The scorer's input vector, when the scorer exposes one (logged for replay). */
  features?: ScoreResult['features'];
}

export interface DecideInput {
  request: ChatRequest;
  routerName: string;
  router: RouterConfig;
  scorers: ScorerPool;
  /** Mode signal from the client, if any. */
  mode?: string | null;
  /** Where the threshold is read from (default: the router config's `threshold`). */
  thresholds?: ThresholdSource;
}

class ScoreTimeout extends Error {}

async function scoreWithin(input: DecideInput): Promise<{ result: ScoreResult; scorerName: string }> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ScoreTimeout(`scoring exceeded ${input.router.scoreTimeoutMs} ms`));
    }, input.router.scoreTimeoutMs);
  });
  try {
    const work = (async () => {
      const scorer = await input.scorers.get(input.router);
      const result = await scorer.score(input.request, controller.signal);
      if (!Number.isFinite(result.score) || result.score < 0 || result.score > 1) {
        throw new Error(`scorer ${scorer.name} returned ${result.score}, outside [0, 1]`);
      }
      return { result, scorerName: result.scorer ?? scorer.name };
    })();
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The ordered models to try for a tier: the tier's model, then the router's `fallbacks` list, or
 * (retryOnOtherModel, the two-model case) the other tier's model. Capped at retry.maxAttempts.
 */
export function attemptOrder(router: RouterConfig, tier: Tier): string[] {
  const chosen = tier === 'strong' ? router.strong : router.weak;
  const other = tier === 'strong' ? router.weak : router.strong;
  const rest = router.fallbacks ?? (router.retryOnOtherModel ? [other] : []);
  return [chosen, ...rest].slice(0, router.retry.maxAttempts);
}

export function retryPolicy(router: RouterConfig): RetryPolicy {
  return { maxAttempts: router.retry.maxAttempts, deadlineMs: router.retry.deadlineMs, maxRetryAfterMs: router.retry.maxRetryAfterMs };
}

export async function decide(input: DecideInput): Promise<Decision> {
  const started = performance.now();
  const { router } = input;
  const mode = input.mode ?? null;
  const reading = (input.thresholds ?? staticThresholdSource).current(input.routerName, router);
  const base = {
    router: input.routerName,
    threshold: reading.threshold,
    calibrationId: reading.calibrationId,
    thresholdSource: reading.source,
    mode,
  };
  const finish = (tier: Tier, rest: Omit<Decision, keyof typeof base | 'tier' | 'modelAlias' | 'attempts' | 'retry' | 'decisionMs'>): Decision => ({
    ...base,
    ...rest,
    tier,
    modelAlias: tier === 'strong' ? router.strong : router.weak,
    attempts: attemptOrder(router, tier),
    retry: retryPolicy(router),
    decisionMs: performance.now() - started,
  });

  if (mode && isMode(mode)) {
    const route = modeRoute(router, mode);
    if (route !== 'score') {
      return finish(route, { scorer: null, score: null, reason: `mode:${mode}`, taskType: null, fallbackUsed: false });
    }
  }

  let scored: Awaited<ReturnType<typeof scoreWithin>>;
  try {
    scored = await scoreWithin(input);
  } catch (error) {
    const reason = error instanceof ScoreTimeout ? 'scorer-timeout' : `scorer-error: ${(error as Error).message}`;
    return finish('strong', { scorer: router.scorer, score: null, reason, taskType: null, fallbackUsed: true });
  }

  const { result, scorerName } = scored;
  const taskType = result.taskType ?? null;
  const common = {
    scorer: scorerName, score: result.score, taskType, fallbackUsed: false, details: result.details,
    ...(result.features ? { features: result.features } : {}),
  };
  const byTaskType = !mode && taskType ? own(router.taskTypes, taskType) : undefined;
  if (byTaskType && byTaskType !== 'score') {
    return finish(byTaskType, { ...common, reason: `task-type:${taskType}` });
  }
  const tier: Tier = result.score >= reading.threshold ? 'strong' : 'weak';
  return finish(tier, { ...common, reason: tier === 'strong' ? 'score>=threshold' : 'score<threshold' });
}
