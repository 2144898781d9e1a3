// decide(request, router) -> Decision: the one routing function every entry point uses.
// Order: the agent signals (signals.ts: long context, thinking, the client's mode, background),
// then the scorer (under a time budget), then the inferred task type table, then the ladder's cut
// points (ladder.ts), then the session policy (sessions.ts) when the request has a session. Any
// scorer failure routes to the top rung, with the reason. Pure: session state comes in as input.
// The Decision also carries the retry policy: the ordered models to try and the bounds on trying.

import type { PricePerMTok, RouterConfig, Tier } from '../config/types.ts';
import type { ChatRequest } from '../protocol/chat.ts';
import type { ScorerPool } from '../scoring/pool.ts';
import type { ScoreResult } from '../scoring/scorer.ts';
import { own } from '../config/lookup.ts';
import { explore } from './explore.ts';
import { ladderFallbacks, ladderModels, ladderRungs, rungForScore, type LadderRung } from './ladder.ts';
import { applySessionPolicy, type SessionState, type SessionView } from './sessions.ts';
import { readSignals, type SignalName } from './signals.ts';
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
  /** Probability the chosen tier had (router `explore`); null when exploration is off or no draw was given. */
  propensity: number | null;
  /** True when exploration flipped the threshold's tier. */
  explored: boolean;
  /** The ladder rung of modelAlias (0 = strongest), null for a model off the ladder; rungs: the ladder's length. */
  rung: number | null;
  rungs: number;
  /** The agent signal that decided, if one did. */
  signal: SignalName | null;
  /** True when the tier did not come from the score against the cuts (signal, mode, task type, fallback, session rule). */
  forced: boolean;
  /** What the session becomes after this turn (null: no session, or the turn leaves it alone). */
  session: SessionState | null;
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
  /** One uniform [0, 1) draw for exploration (router `explore`); without it nothing is explored. */
  explorationDraw?: number;
  /** True when the request carries a session id: the decision then says what the session becomes. */
  inSession?: boolean;
  /** The session's last routed turn under this router, when one is remembered. */
  session?: SessionView | undefined;
  /** Prices by model alias (for the cache-aware session rule). */
  prices?: (alias: string) => PricePerMTok | undefined;
}

class ScoreTimeout extends Error {}

async function scoreWithin(input: DecideInput): Promise<{ result: ScoreResult; scorerName: string }> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ScoreTimeout());
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
 * The ordered models to try from `model`: it first, then the router's `fallbacks` list, or (with
 * retryOnOtherModel) the ladder outwards from its rung, the next stronger rung first (for two rungs:
 * the other model). A model off the ladder (a signal's model) falls back to the ladder, strongest
 * first. Capped at retry.maxAttempts.
 */
export function attemptsFrom(router: RouterConfig, model: string): string[] {
  const models = ladderModels(router);
  const rung = models.indexOf(model);
  const rest = router.fallbacks ?? (router.retryOnOtherModel ? (rung < 0 ? models : ladderFallbacks(models, rung)) : []);
  return [model, ...rest].slice(0, router.retry.maxAttempts);
}

/** attemptsFrom for a tier: strong is the top rung, weak the bottom one. */
export function attemptOrder(router: RouterConfig, tier: Tier): string[] {
  return attemptsFrom(router, tier === 'strong' ? router.strong : router.weak);
}

export function retryPolicy(router: RouterConfig): RetryPolicy {
  return { maxAttempts: router.retry.maxAttempts, deadlineMs: router.retry.deadlineMs, maxRetryAfterMs: router.retry.maxRetryAfterMs };
}

/** The reason a score gives: the two-rung wording, or the cut reached and the rung (0 = top) of n. */
function scoreReason(rungs: readonly LadderRung[], rung: number): string {
  if (rungs.length === 2) return rung === 0 ? 'score>=threshold' : 'score<threshold';
  const cut = rungs[rung]?.cut ?? Number.NEGATIVE_INFINITY;
  const place = `rung:${rung}/${rungs.length}`;
  return Number.isFinite(cut) ? `score>=${round(cut)} ${place}` : `score<${round(rungs[rungs.length - 2]?.cut ?? 0)} ${place}`;
}

function round(value: number): string {
  return String(Number(value.toFixed(6)));
}

export async function decide(input: DecideInput): Promise<Decision> {
  const started = performance.now();
  const { router } = input;
  const mode = input.mode ?? null;
  const reading = (input.thresholds ?? staticThresholdSource).current(input.routerName, router);
  const rungs = ladderRungs(router, reading.threshold);
  const models = rungs.map((rung) => rung.model);
  const base = {
    router: input.routerName,
    threshold: reading.threshold,
    calibrationId: reading.calibrationId,
    thresholdSource: reading.source,
    mode,
    rungs: rungs.length,
  };
  // A model not chosen by the score against the cuts is certain: propensity 1 whenever exploration is on and drawn.
  const certain = router.explore && input.explorationDraw !== undefined ? 1 : null;
  type Rest = Omit<Decision, keyof typeof base | 'modelAlias' | 'attempts' | 'retry' | 'decisionMs' | 'rung' | 'signal' | 'forced' | 'session' | 'propensity' | 'explored'>;
  type Extra = Partial<Pick<Decision, 'signal' | 'session' | 'propensity' | 'explored'>> & { forced: boolean };
  const finish = (modelAlias: string, rest: Rest, extra: Extra): Decision => {
    const rung = models.indexOf(modelAlias);
    return {
      ...base,
      ...rest,
      modelAlias,
      rung: rung < 0 ? null : rung,
      signal: extra.signal ?? null,
      forced: extra.forced,
      session: extra.session ?? null,
      propensity: extra.propensity === undefined ? certain : extra.propensity,
      explored: extra.explored ?? false,
      attempts: attemptsFrom(router, modelAlias),
      retry: retryPolicy(router),
      decisionMs: performance.now() - started,
    };
  };
  const top = router.strong;
  const bottom = router.weak;
  const hold = router.sessions?.escalateOnly?.holdTurns ?? 0;
  /** A turn decided outside the score sets the session's rung (mode) or leaves it alone (signals). */
  const setsSession = (model: string) => {
    const rung = models.indexOf(model);
    return input.inSession && rung >= 0 ? { rung, model, holdLeft: hold } : null;
  };
  const signal = readSignals({ request: input.request, router, mode });
  if (signal) {
    const session = signal.signal === 'mode' ? setsSession(signal.model) : null;
    return finish(signal.model, { tier: signal.tier, scorer: null, score: null, reason: signal.reason, taskType: null, fallbackUsed: false }, { signal: signal.signal, forced: true, session });
  }

  let scored: Awaited<ReturnType<typeof scoreWithin>>;
  try {
    scored = await scoreWithin(input);
  } catch (error) {
    const reason = error instanceof ScoreTimeout ? 'scorer-timeout' : `scorer-error: ${(error as Error).message}`;
    return finish(top, { tier: 'strong', scorer: router.scorer, score: null, reason, taskType: null, fallbackUsed: true }, { forced: true });
  }

  const { result, scorerName } = scored;
  const taskType = result.taskType ?? null;
  const common = {
    scorer: scorerName, score: result.score, taskType, fallbackUsed: false, details: result.details,
    ...(result.features ? { features: result.features } : {}),
  };
  const byTaskType = !mode && taskType ? own(router.taskTypes, taskType) : undefined;
  if (byTaskType && byTaskType !== 'score') {
    const model = byTaskType === 'strong' ? top : bottom;
    return finish(model, { ...common, tier: byTaskType, reason: `task-type:${taskType}` }, { forced: true, session: setsSession(model) });
  }
  const scoredRung = rungForScore(rungs, result.score);
  const scoreWords = scoreReason(rungs, scoredRung);
  // Exploration works at the top cut (the threshold): it may swap the top rung and the one below it.
  // Its tier names those two rungs: strong is the top rung, weak the one below it.
  const exploration = scoredRung <= 1 ? explore(scoredRung === 0 ? 'strong' : 'weak', result.score, reading.threshold, router.explore, input.explorationDraw) : null;
  const chosen = exploration ? (exploration.tier === 'strong' ? 0 : 1) : scoredRung;
  const flipped = exploration?.explored ?? false;
  const reason = flipped ? `explore:${scoreWords}, flipped to ${rungs.length === 2 ? (chosen === 0 ? 'strong' : 'weak') : `rung ${chosen}`}` : scoreWords;
  const explored = { explored: flipped, propensity: exploration ? exploration.propensity : certain };
  if (!input.inSession) {
    return finish(models[chosen] ?? bottom, { ...common, tier: chosen === 0 ? 'strong' : 'weak', reason }, { forced: false, ...explored });
  }
  const outcome = applySessionPolicy({ router, request: input.request, chosen, models, session: input.session, prices: input.prices ?? (() => undefined) });
  const model = models[outcome.rung] ?? bottom;
  // A session rule that moved the turn makes the served model certain, not drawn.
  const served = outcome.note !== null ? { explored: false, propensity: certain } : explored;
  return finish(
    model,
    { ...common, tier: outcome.rung === 0 ? 'strong' : 'weak', reason: outcome.note ? `${reason}; ${outcome.note}` : reason },
    { forced: outcome.note !== null, session: outcome.next, ...served },
  );
}
