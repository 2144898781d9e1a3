// Starts the gateway: opens the decision log, loads and warms the scorers the routers use (a scorer
// that cannot load refuses the start unless server.allowDegradedStart), warns about risky set-ups
// (no upstream key, an open bind without auth), builds the app and listens. Malformed HTTP gets an
// OpenAI-shaped 400/431 instead of Node's empty answer. close() stops accepting, lets in-flight
// requests finish (up to a grace period), then flushes the log and releases scorers.

import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Socket } from 'node:net';
import { readList, readSecret, type Env } from '../config/env.ts';
import { createLogger, parseLogLevel, type Logger } from '../config/logger.ts';
import type { TriageConfig } from '../config/types.ts';
import { createSessionMemory } from './session-memory.ts';
import { LiveThresholds } from '../learning/live/live-thresholds.ts';
import { startModelVersionCache } from './model-version-wiring.ts';
import type { LearningStore } from '../store/learning-store.ts';
import { createProvider } from '../providers/registry.ts';
import type { ProviderAdapter } from '../providers/spec.ts';
import { createScorerPool, defaultScorerFactory, type ScorerFactory } from '../scoring/pool.ts';
import { openStore, type OpenedStore } from '../store/registry.ts';
import { startRetention } from './retention-wiring.ts';
import type { KeyStore } from '../store/keys.ts';
import type { DecisionStore } from '../store/store.ts';
import { createApp } from './app.ts';
import type { GatewayContext } from './context.ts';
import { InflightRequests } from './inflight.ts';
import { GatewayKeys } from './gateway-keys.ts';
import { GatewayMetrics } from './metrics.ts';
import { BreakerRegistry } from './upstream/breaker.ts';
import type { ShadowRunner } from '../learning/shadow/runner.ts';
import { startShadow } from './shadow-wiring.ts';
import { runReleaseSteps, type ReleaseStep } from './release-steps.ts';
import type { SharedState } from '../store/shared-state/shared-state.ts';
import { sharedStateFor } from '../store/shared-state/registry.ts';

export interface GatewayOptions {
  config: TriageConfig;
  env: Env;
  /** Defaults to the store the config names (store.kind: SQLite at store.path, or Postgres). */
  store?: DecisionStore;
  /** Where gateway keys live; defaults to the decision store when it holds keys too (SQLite, memory). */
  keyStore?: KeyStore;
  /**
   * Calibrations for live thresholds and targets. Defaults to the SQLite store when start.ts opens
   * it; with a caller's `store` and no `learning`, routers use their configured thresholds.
   */
  learning?: LearningStore;
  /** How often calibrations are re-read (default 1000 ms). */
  calibrationPollMs?: number;
  /** How often the active scorer model versions are re-read (default 2000 ms). */
  modelVersionPollMs?: number;
  scorerFactory?: ScorerFactory;
  modelsDir?: string;
  log?: Logger;
  /** Overrides config.server.host / port (tests pass port 0). */
  host?: string;
  port?: number;
  /** How long close() waits for in-flight requests (default: config.server.shutdownGraceMs). */
  shutdownGraceMs?: number;
  /** Uniform [0, 1) draws for exploration and shadow sampling (seeded in tests; default Math.random). */
  random?: () => number;
  /** State shared with other instances (spend reservations, share windows); default this process's own. */
  sharedState?: SharedState;
}

export interface RunningGateway {
  url: string;
  port: number;
  ctx: GatewayContext;
  /** The shadow-judging runner, when a router has `shadow` and labels can be stored. */
  shadow?: ShadowRunner;
  close(): Promise<void>;
}

function isKeyStore(store: DecisionStore): store is DecisionStore & KeyStore {
  return 'listKeys' in store && 'keyByHash' in store;
}

export class ScorerUnavailableError extends Error {
  override readonly name = 'ScorerUnavailableError';
}

async function warmScorers(ctx: GatewayContext): Promise<void> {
  const probe = { model: 'triage', messages: [{ role: 'user' as const, content: 'Warm-up: what is 2 + 2?' }] };
  for (const [name, router] of Object.entries(ctx.config.routers)) {
    try {
      const scorer = await ctx.scorers.get(router);
      await scorer.score(probe);
      ctx.log.info('scorer_ready', { router: name, scorer: scorer.name });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!ctx.config.server.allowDegradedStart) {
        throw new ScorerUnavailableError(
          `router ${name}: its scorer cannot load (${message}). Fix routers.${name}.model (or scorer), or start with --degraded-start to send that router's requests to its strong model`,
        );
      }
      ctx.log.warn('scorer_unavailable', { router: name, error: message, effect: 'requests on this router go to the strong model' });
    }
  }
}

const LOOPBACK = /^(127\.|::1$|localhost$)/;

/** Start-up warnings for set-ups that work but cost money or expose the gateway. */
function warnAboutSetup(ctx: GatewayContext, host: string): void {
  for (const [name, provider] of Object.entries(ctx.config.providers)) {
    if (readSecret(ctx.env, provider.apiKeyEnv) !== undefined) continue;
    const unset = provider.apiKeyEnv ? `${provider.apiKeyEnv} is unset` : 'no apiKeyEnv';
    if (provider.forwardClientKey && !ctx.keys.enabled) {
      ctx.log.warn('provider_uses_client_keys', { provider: name, detail: `${unset}: each request is sent with the client's own bearer key` });
    } else {
      ctx.log.warn('provider_without_key', { provider: name, detail: `${unset}: requests go upstream unauthenticated` });
    }
  }
  if (!ctx.keys.enabled && !LOOPBACK.test(host)) {
    ctx.log.warn('open_without_auth', { host, detail: `listening on ${host} with no gateway keys: anyone who can reach this port can spend your upstream keys; set ${ctx.config.auth.keysEnv} or bind 127.0.0.1` });
  }
}

/** Node's answer to bytes that are not HTTP: an OpenAI-shaped error instead of an empty 400. */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable || socket.destroyed) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const message = tooLarge ? 'request headers are too large' : 'malformed HTTP request';
  const body = JSON.stringify({ error: { message, type: 'invalid_request_error', code: tooLarge ? 'headers_too_large' : 'malformed_request', param: null } });
  const reason = tooLarge ? 'Request Header Fields Too Large' : 'Bad Request';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { config, env } = options;
  const log = options.log ?? createLogger(parseLogLevel(env['LOG_LEVEL']));
  const metrics = new GatewayMetrics();
  let opened: OpenedStore | undefined;
  // The configured backend (store.kind: sqlite or postgres), through the store registry.
  const store: DecisionStore =
    options.store ??
    (opened = await openStore(config.store, {
      env,
      onError: (error, pending) => log.error('store_write_failed', { message: error.message, pending }),
    }));
  // Retention (store.retentionDays > 0): pruning old rows on a timer, off the request path.
  const pruner = startRetention(store, config.store, log);
  const learning = options.learning ?? opened;
  metrics.gauge('triage_log_pending_rows', 'Decision-log rows queued but not yet on disk.', () => store.stats().pendingRows);
  metrics.gauge('triage_log_dropped_rows', 'Decision-log rows dropped (queue overflow or failed final flush).', () => store.stats().droppedRows);

  // Scorer model versions (retrain / `triage models activate`): learned scorers hot-swap to the active one.
  const modelVersions = startModelVersionCache(opened, log, options.modelVersionPollMs);

  // Spend reservations, share windows and key trust: this process's own, or the fleet's (a shared database).
  const shared =
    options.sharedState ??
    sharedStateFor(store, {
      onError: (what, error) => log.warn('shared_state_failed', { what, message: error.message }),
      onFallback: (state, error) =>
        state === 'local'
          ? log.warn('spend_ledger_local', { message: error?.message ?? '', effect: 'spend limits held against the fleet spend last seen plus this instance, until the database answers' })
          : log.info('spend_ledger_shared', {}),
    });
  const adapters = new Map<string, ProviderAdapter>();
  const ctx: GatewayContext = {
    config,
    env,
    store,
    scorers: createScorerPool(options.scorerFactory ?? defaultScorerFactory(options.modelsDir, modelVersions?.hooks)),
    provider(kind) {
      let adapter = adapters.get(kind);
      if (!adapter) {
        adapter = createProvider(kind);
        adapters.set(kind, adapter);
      }
      return adapter;
    },
    metrics,
    log,
    keys: new GatewayKeys(readList(env, config.auth.keysEnv), readSecret(env, config.auth.adminKeyEnv), options.keyStore ?? (isKeyStore(store) ? store : undefined), {
      spend: shared.spend,
      keyCacheMs: shared.keyCacheMs,
      onError: (error) => log.warn('key_store_read_failed', { message: error.message }),
    }),
    startedAt: Date.now(),
    inflight: new InflightRequests(),
    breakers: new BreakerRegistry(config.server.circuitBreaker),
    exchangeHooks: [],
    closing: false,
    ...(options.random ? { random: options.random } : {}),
    sessions: createSessionMemory(config.sessions),
  };
  if (learning) ctx.learning = learning;
  for (const name of Object.keys(config.providers)) ctx.breakers.get(name);
  metrics.breakers(() => ctx.breakers.snapshot());
  // The learning wing is wired in here and nowhere else: thresholds, the share controllers' feed, budget pacing.
  const fleet = shared.fleet ? { spend: shared.spend, shareWindows: shared.shareWindows } : {};
  const live = learning ? new LiveThresholds({ config, learning, log, pollMs: options.calibrationPollMs, ...fleet }) : undefined;
  let shadow: ShadowRunner | undefined;
  // What close() (or a failed start) releases, in this order; every step runs even if one fails.
  const release = (): ReleaseStep[] => [
    { what: 'shadow judging', run: () => shadow?.stop() },
    { what: 'live thresholds', run: () => live?.stop() },
    { what: 'model version poll', run: () => modelVersions?.stop() },
    { what: 'shared state', run: () => shared.close() },
    { what: 'log pruning', run: () => pruner?.stop() },
    { what: 'decision log', run: () => store.close() },
    { what: 'scorers', run: () => ctx.scorers.closeAll() },
  ];
  try {
    shadow = await startShadow(ctx, learning, options.random, shared.fleet ? shared.spend : undefined);
    await ctx.keys.refresh(true);
    if (live) {
      await live.start(store);
      ctx.thresholds = live;
      ctx.decisionObserver = live;
      ctx.budget = live;
    }
    await warmScorers(ctx);
  } catch (error) {
    await runReleaseSteps(release(), log).catch(() => {}); // each failure is logged; the start-up error is the one to report
    throw error;
  }

  const app = createApp(ctx);
  const host = options.host ?? config.server.host;
  let server: ServerType;
  try {
    server = await new Promise<ServerType>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, hostname: host, port: options.port ?? config.server.port }, () => {
        s.off('error', reject);
        resolve(s);
      });
      s.once('error', reject);
    });
  } catch (error) {
    // e.g. EADDRINUSE: release what was opened and say so, instead of an unhandled 'error' event.
    await runReleaseSteps(release(), log).catch(() => {});
    throw new Error(`cannot listen on ${host}:${options.port ?? config.server.port}: ${(error as Error).message}`);
  }
  server.on('clientError', answerClientError);
  warnAboutSetup(ctx, host);
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address === '0.0.0.0' ? '127.0.0.1' : address.address;
  log.info('listening', { url: `http://${urlHost}:${address.port}`, routers: Object.keys(config.routers), auth: ctx.keys.enabled });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      ctx.closing = true;
      const grace = options.shutdownGraceMs ?? config.server.shutdownGraceMs;
      // Stop accepting; keep closing sockets that go idle (keep-alive) until in-flight requests end.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const idleSweep = setInterval(() => {
        if ('closeIdleConnections' in server) server.closeIdleConnections();
      }, 50);
      if ('closeIdleConnections' in server) server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'grace-over'>((resolve) => {
        timer = setTimeout(() => resolve('grace-over'), grace);
      });
      const ended = await Promise.race([ctx.inflight.whenIdle(grace).then(() => 'idle' as const), graceOver]);
      clearTimeout(timer);
      clearInterval(idleSweep);
      if (ended === 'grace-over' || ctx.inflight.size > 0) {
        log.warn('shutdown_cut_requests', { inflight: ctx.inflight.size, graceMs: grace });
      }
      if ('closeAllConnections' in server) server.closeAllConnections();
      await closed;
      // Cut streams log their row (status 499) as they are cancelled: wait briefly for those rows.
      await ctx.inflight.whenIdle(1000);
      // Shadow jobs: queued ones are dropped (counted), running ones cut; what they spent is stored.
      await runReleaseSteps(release(), log);
    })();
    return closing;
  };
  return { url: `http://${urlHost}:${address.port}`, port: address.port, ctx, close, ...(shadow ? { shadow } : {}) };
}
