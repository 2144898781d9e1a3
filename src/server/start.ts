// Starts the gateway: opens the decision log, loads and warms the scorers the routers use, builds the
// app and listens. close() stops accepting, lets in-flight requests finish (up to a grace period),
// then flushes the log and releases scorers.

import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { readList, type Env } from '../config/env.ts';
import { createLogger, parseLogLevel, type Logger } from '../config/logger.ts';
import type { TriageConfig } from '../config/types.ts';
import { LiveThresholds } from '../learning/live/live-thresholds.ts';
import type { LearningStore } from '../store/learning-store.ts';
import { createProvider } from '../providers/registry.ts';
import type { ProviderAdapter } from '../providers/spec.ts';
import { createScorerPool, defaultScorerFactory, type ScorerFactory } from '../scoring/pool.ts';
import { openSqliteStore } from '../store/sqlite/index.ts';
import type { DecisionStore } from '../store/store.ts';
import { createApp } from './app.ts';
import type { GatewayContext } from './context.ts';
import { InflightRequests } from './inflight.ts';
import { GatewayMetrics } from './metrics.ts';

export interface GatewayOptions {
  config: TriageConfig;
  env: Env;
  /** Defaults to a SQLite store at config.store.path. */
  store?: DecisionStore;
  /**
   * Calibrations for live thresholds and targets. Defaults to the SQLite store when start.ts opens
   * it; with a caller's `store` and no `learning`, routers use their configured thresholds.
   */
  learning?: LearningStore;
  /** How often calibrations are re-read (default 1000 ms). */
  calibrationPollMs?: number;
  scorerFactory?: ScorerFactory;
  modelsDir?: string;
  log?: Logger;
  /** Overrides config.server.host / port (tests pass port 0). */
  host?: string;
  port?: number;
  /** How long close() waits for in-flight requests (default: config.server.shutdownGraceMs). */
  shutdownGraceMs?: number;
}

export interface RunningGateway {
  url: string;
  port: number;
  ctx: GatewayContext;
  close(): Promise<void>;
}

async function warmScorers(ctx: GatewayContext): Promise<void> {
  const probe = { model: 'triage', messages: [{ role: 'user' as const, content: 'Warm-up: what is 2 + 2?' }] };
  for (const [name, router] of Object.entries(ctx.config.routers)) {
    try {
      const scorer = await ctx.scorers.get(router);
      await scorer.score(probe);
      ctx.log.info('scorer_ready', { router: name, scorer: scorer.name });
    } catch (error) {
      ctx.log.warn('scorer_unavailable', { router: name, error: (error as Error).message, effect: 'requests on this router go to the strong model' });
    }
  }
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { config, env } = options;
  const log = options.log ?? createLogger(parseLogLevel(env['LOG_LEVEL']));
  const metrics = new GatewayMetrics();
  let opened: LearningStore | undefined;
  const store: DecisionStore =
    options.store ??
    (opened = openSqliteStore(config.store.path, {
      flushIntervalMs: config.store.flushIntervalMs,
      batchSize: config.store.batchSize,
      onError: (error, pending) => log.error('store_write_failed', { message: error.message, pending }),
    }));
  const learning = options.learning ?? opened;
  metrics.gauge('triage_log_pending_rows', 'Decision-log rows queued but not yet on disk.', () => store.stats().pendingRows);
  metrics.gauge('triage_log_dropped_rows', 'Decision-log rows dropped (queue overflow or failed final flush).', () => store.stats().droppedRows);

  const adapters = new Map<string, ProviderAdapter>();
  const ctx: GatewayContext = {
    config,
    env,
    store,
    scorers: createScorerPool(options.scorerFactory ?? defaultScorerFactory(options.modelsDir)),
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
    apiKeys: readList(env, config.auth.keysEnv),
    startedAt: Date.now(),
    inflight: new InflightRequests(),
  };
  // The learning wing is wired in here and nowhere else: thresholds, the share controllers' feed, budget pacing.
  const live = learning ? new LiveThresholds({ config, learning, log, pollMs: options.calibrationPollMs }) : undefined;
  if (live) {
    try {
      await live.start(store);
    } catch (error) {
      await store.close();
      throw error;
    }
    ctx.thresholds = live;
    ctx.decisionObserver = live;
    ctx.budget = live;
  }
  await warmScorers(ctx);

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
    live?.stop();
    await store.close();
    await ctx.scorers.closeAll();
    throw new Error(`cannot listen on ${host}:${options.port ?? config.server.port}: ${(error as Error).message}`);
  }
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address === '0.0.0.0' ? '127.0.0.1' : address.address;
  log.info('listening', { url: `http://${urlHost}:${address.port}`, routers: Object.keys(config.routers), auth: ctx.apiKeys.length > 0 });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
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
      live?.stop();
      await store.close();
      await ctx.scorers.closeAll();
    })();
    return closing;
  };
  return { url: `http://${urlHost}:${address.port}`, port: address.port, ctx, close };
}
