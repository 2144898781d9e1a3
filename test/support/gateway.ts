// Test helper: starts the real gateway on 127.0.0.1 (random port) in front of fake upstreams, with a
// real SQLite file in a temp folder. The scorer is the seeded random one unless a test asks otherwise,
// so these tests do not depend on the shipped learned model.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/config/logger.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { TriageConfig } from '../../src/config/types.ts';
import { startGateway, type RunningGateway } from '../../src/server/start.ts';
import type { ScorerFactory } from '../../src/scoring/pool.ts';
import { openSqliteStore, type SqliteDecisionStore } from '../../src/store/sqlite/index.ts';

export interface TestGateway extends RunningGateway {
  dbPath: string;
  store: SqliteDecisionStore;
  dispose(): Promise<void>;
}

/** A config with two upstreams (strong and weak may differ) and a seeded random router. */
export function testConfig(strongUrl: string, weakUrl = strongUrl, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    providers: {
      strongProvider: { baseUrl: strongUrl, apiKeyEnv: 'FAKE_STRONG_KEY', forwardClientKey: true },
      weakProvider: { baseUrl: weakUrl },
    },
    models: {
      strong: { provider: 'strongProvider', id: 'fake-strong', pricePerMTok: { input: 2, output: 8, cachedInput: 0.5 } },
      weak: { provider: 'weakProvider', id: 'fake-weak', pricePerMTok: { input: 0.1, output: 0.2 } },
    },
    routers: {
      default: { strong: 'strong', weak: 'weak', scorer: 'random', seed: 7, threshold: 0.5 },
      alwaysStrong: { strong: 'strong', weak: 'weak', scorer: 'random', seed: 7, threshold: 0 },
      alwaysWeak: { strong: 'strong', weak: 'weak', scorer: 'random', seed: 7, threshold: 1 },
      resilient: { strong: 'strong', weak: 'weak', scorer: 'random', seed: 7, threshold: 0, retryOnOtherModel: true },
    },
    ...extra,
  };
}

export async function startTestGateway(options: {
  raw: Record<string, unknown>;
  env?: Record<string, string>;
  scorerFactory?: ScorerFactory;
  mutate?: (config: TriageConfig) => void;
  shutdownGraceMs?: number;
  /** Wire the learning wing (calibrations, targets) on the same SQLite file. */
  learning?: boolean;
  calibrationPollMs?: number;
  /** Uniform [0, 1) draws for exploration and shadow sampling (seeded). */
  random?: () => number;
  /** An existing decision log to open instead of a fresh one (the caller removes it). */
  dbPath?: string;
}): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'triage-gw-'));
  const dbPath = options.dbPath ?? join(dir, 'triage.db');
  const config = parseConfig(options.raw, 'test config');
  // Tests provoke many upstream failures on purpose: the breaker opens only where a test asks for it.
  const server = options.raw['server'];
  const asksForBreaker = typeof server === 'object' && server !== null && 'circuitBreaker' in server;
  if (!asksForBreaker) config.server.circuitBreaker.failureThreshold = 1_000_000;
  options.mutate?.(config);
  const store = openSqliteStore(dbPath, { flushIntervalMs: 50 });
  const gateway = await startGateway({
    config,
    env: { FAKE_STRONG_KEY: 'sk-upstream-secret-123', ...options.env },
    store,
    ...(options.learning ? { learning: store, calibrationPollMs: options.calibrationPollMs ?? 100 } : {}),
    scorerFactory: options.scorerFactory,
    log: createLogger('silent'),
    host: '127.0.0.1',
    port: 0,
    shutdownGraceMs: options.shutdownGraceMs ?? 2000,
    ...(options.random ? { random: options.random } : {}),
  });
  return {
    ...gateway,
    dbPath,
    store,
    async dispose() {
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
