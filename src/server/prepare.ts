// The part of a request both /v1/chat/completions and /v1/route share: parse the body, read tags
// and mode, resolve `model` to a router or a model, decide (the threshold read through the
// learning wing's live source when one is wired), and apply budget pacing. Fills the Exchange's
// row with everything known before the upstream call; a rejected request ends its Exchange.

import { own } from '../config/lookup.ts';
import type { RouterConfig } from '../config/types.ts';
import type { ChatRequest } from '../protocol/chat.ts';
import { lastUserText, promptHash } from '../protocol/chat.ts';
import { attemptOrder, decide, type Decision, type RetryPolicy } from '../routing/decide.ts';
import { ladderModels } from '../routing/ladder.ts';
import { isMode, MODES } from '../routing/modes.ts';
import { resolveTarget, TargetSuffixError, UnknownModelError } from '../routing/targets.ts';
import { ThresholdUnavailableError } from '../routing/threshold-source.ts';
import type { GatewayContext } from './context.ts';
import { GatewayError, invalidRequest } from './errors.ts';
import type { Exchange } from './exchange.ts';
import { callerTags, modeSignal, parseChatRequest } from './parse.ts';
import { sessionIdOf } from './session-id.ts';
import { PASS_THROUGH_POLICY, type Attempt } from './upstream/call.ts';

export interface Prepared {
  request: ChatRequest;
  /** The models to try, in order (the chosen one first). */
  attempts: Attempt[];
  retry: RetryPolicy;
  decision: Decision | null;
  /** The router's two tiers, when routed (to name the tier of a fallback that served). */
  router: RouterConfig | null;
  /** Warnings for the client (x-triage-warnings), e.g. an unknown mode. */
  warnings: string[];
}

/** What prepare() reads from the request's headers. */
export interface PrepareHeaders {
  tags?: string | undefined;
  mode?: string | undefined;
  /** x-triage-session */
  session?: string | undefined;
}

function readRequest(ctx: GatewayContext, bodyText: string, headers: PrepareHeaders) {
  const request = parseChatRequest(bodyText);
  const tags = callerTags(request, headers.tags);
  const mode = modeSignal(request, headers.mode);
  const sessionId = sessionIdOf(request, headers.session);
  // A header session id is kept with the row's tags (metadata.session_id already is one).
  if (sessionId !== null && headers.session && !Object.hasOwn(tags, 'session')) tags['session'] = sessionId;
  try {
    return { request, tags, mode, sessionId, target: resolveTarget(ctx.config, request.model) };
  } catch (error) {
    if (error instanceof UnknownModelError) throw invalidRequest(error.message, 'model_not_found', 'model');
    if (error instanceof TargetSuffixError) throw invalidRequest(error.message, 'invalid_model_target', 'model');
    throw error;
  }
}

function attemptFor(ctx: GatewayContext, routerName: string, alias: string): Attempt {
  const model = own(ctx.config.models, alias);
  if (!model) throw new Error(`router ${routerName} names unknown model ${alias}`);
  return { alias, model };
}

/** Ends the exchange as a refused request (one row per request, so failing clients show up) and returns the error to throw. */
function refuse(exchange: Exchange, error: GatewayError, reason: string): GatewayError {
  exchange.record.reason = reason;
  exchange.end(error.status, error.message);
  return error;
}

export async function prepare(
  ctx: GatewayContext,
  exchange: Exchange,
  bodyText: string,
  headers: PrepareHeaders,
): Promise<Prepared> {
  const { record } = exchange;
  let read: ReturnType<typeof readRequest>;
  try {
    read = readRequest(ctx, bodyText, headers);
  } catch (error) {
    if (error instanceof GatewayError) throw refuse(exchange, error, 'rejected');
    throw error;
  }
  const { request, tags, mode, sessionId, target } = read;
  const prompt = lastUserText(request.messages);
  record.tags = tags;
  record.mode = mode;
  record.promptHash = promptHash(prompt);
  record.promptText = ctx.config.server.logPrompts ? prompt : null;
  record.stream = request.stream === true;

  if (target.kind === 'model') {
    record.modelAlias = target.alias;
    record.modelId = target.model.id;
    record.provider = target.model.provider;
    const attempts = [{ alias: target.alias, model: target.model }];
    return { request, attempts, retry: PASS_THROUGH_POLICY, decision: null, router: null, warnings: [] };
  }

  exchange.metricsRouter = target.label;
  let decision: Decision;
  try {
    // Exploration draws only for real traffic: a dry run is never flipped.
    const explorationDraw = record.kind === 'chat' && target.router.explore ? (ctx.random ?? Math.random)() : undefined;
    const sessions = sessionId !== null ? ctx.sessions : undefined;
    decision = await decide({
      request, routerName: target.name, router: target.router, scorers: ctx.scorers, mode, thresholds: ctx.thresholds, explorationDraw,
      inSession: sessions !== undefined,
      session: sessions && sessionId !== null ? sessions.get(target.name, sessionId) : undefined,
      prices: (alias) => own(ctx.config.models, alias)?.pricePerMTok,
    });
  } catch (error) {
    if (error instanceof ThresholdUnavailableError) throw refuse(exchange, invalidRequest(error.message, 'target_unavailable', 'model'), 'rejected');
    throw error;
  }
  // Only real traffic teaches the share controllers: /v1/route dry runs are not sent anywhere.
  if (record.kind === 'chat') {
    ctx.decisionObserver?.observe({
      routerName: target.name,
      router: target.router,
      score: decision.score,
      tier: decision.tier,
      forced: decision.forced,
    });
  }
  exchange.rungModels = ladderModels(target.router);
  ctx.metrics.decisionSeconds.observe({ router: target.label }, decision.decisionMs / 1000);
  if (decision.fallbackUsed) {
    ctx.metrics.fallbacks.inc({ router: target.label, reason: decision.reason.split(':')[0] ?? 'scorer' });
    ctx.log.warn('scorer_fallback', { router: target.name, reason: decision.reason });
  }
  Object.assign(record, {
    router: decision.router,
    scorer: decision.scorer,
    taskType: decision.taskType,
    score: decision.score,
    threshold: decision.threshold,
    calibrationId: decision.calibrationId,
    ...(decision.propensity === null ? {} : { propensity: decision.propensity, explored: decision.explored }),
    ...(decision.features && ctx.config.server.logFeatures ? { features: decision.features } : {}),
  });
  exchange.thresholdSource = decision.thresholdSource;

  // Budget pacing (budget targets): reserve the worst case now (chat only; dry runs spend nothing). May move to weak or refuse.
  // Each rung is priced: the chosen model (unless it is the bottom rung) stands as "strong", the
  // bottom rung as "weak", where a downgrade goes. For two rungs this is the strong/weak pair.
  const onBottom = decision.modelAlias === target.router.weak;
  const strongModel = own(ctx.config.models, onBottom ? target.router.strong : decision.modelAlias);
  const weakModel = own(ctx.config.models, target.router.weak);
  const admission =
    record.kind === 'chat' && ctx.budget && strongModel && weakModel
      ? await ctx.budget.reserve({ routerName: target.name, router: target.router, tier: onBottom ? 'weak' : 'strong', request, prices: { strong: strongModel.pricePerMTok, weak: weakModel.pricePerMTok } })
      : null;
  if (admission?.kind === 'rejected') throw refuse(exchange, new GatewayError(429, admission.message, 'insufficient_quota', 'budget_exhausted'), 'budget-exhausted');
  if (admission?.kind === 'admitted') {
    const { lease } = admission;
    exchange.onEnd((row) => lease.settle(row.costUsd ?? 0));
    if (admission.downgraded) {
      // Budget pacing chose the tier: its propensity is unknown, so the row carries none.
      record.propensity = null;
      record.explored = null;
      // A budget downgrade leaves the session where it was (session: null).
      decision = { ...decision, tier: 'weak', modelAlias: target.router.weak, attempts: attemptOrder(target.router, 'weak'), reason: `${decision.reason}; budget: weak`, session: null };
    }
  }
  // Only real traffic moves a session (dry runs on /v1/route do not).
  if (record.kind === 'chat' && decision.session && sessionId !== null) ctx.sessions?.set(target.name, sessionId, decision.session);

  const attempts = decision.attempts.map((alias) => attemptFor(ctx, target.name, alias));
  const chosen = attempts[0];
  if (!chosen) throw new Error(`router ${target.name} has no model to try`);
  Object.assign(record, {
    tier: decision.tier,
    reason: decision.reason,
    modelAlias: chosen.alias,
    modelId: chosen.model.id,
    provider: chosen.model.provider,
    fallbackUsed: decision.fallbackUsed,
    decisionMs: decision.decisionMs,
  });
  const warnings = mode !== null && !isMode(mode) ? [`unknown mode "${mode.slice(0, 40)}" was ignored; known modes: ${MODES.join(', ')}`] : [];
  return { request, attempts, retry: decision.retry, decision, router: target.router, warnings };
}

/** Header values must be visible ASCII: anything else (newlines, unicode from error messages) becomes '?'. */
function headerSafe(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?').slice(0, 512);
}

/** Headers every routed (or passed-through) response carries. */
export function decisionHeaders(exchange: Exchange, warnings: readonly string[] = []): Record<string, string> {
  const { record } = exchange;
  const headers: Record<string, string> = { 'x-triage-decision-id': record.id };
  headers['x-triage-router'] = record.router ?? 'none';
  headers['x-triage-model'] = record.modelId ?? 'none';
  headers['x-triage-score'] = record.score === null ? 'none' : record.score.toFixed(6);
  headers['x-triage-threshold'] = record.threshold === null ? 'none' : String(record.threshold);
  headers['x-triage-reason'] = record.reason;
  // The ladder rung that served (0 = strongest) of how many, when the model is on the router's ladder.
  const rung = exchange.rungModels && record.modelAlias !== null ? exchange.rungModels.indexOf(record.modelAlias) : -1;
  if (exchange.rungModels && rung >= 0) headers['x-triage-rung'] = `${rung}/${exchange.rungModels.length}`;
  if (exchange.thresholdSource !== null) {
    headers['x-triage-calibration-id'] = record.calibrationId ?? 'none';
    headers['x-triage-threshold-source'] = exchange.thresholdSource;
  }
  // Parameters an adapter had to drop or change for its upstream, and notes on the request (the warnings channel).
  if (warnings.length > 0) headers['x-triage-warnings'] = warnings.join('; ');
  for (const key of Object.keys(headers)) headers[key] = headerSafe(headers[key] ?? '');
  return headers;
}
