// `triage serve`: runs the gateway until SIGTERM/SIGINT, then flushes the decision log and exits.

import { parseArgs } from 'node:util';
import { processEnv } from '../config/env.ts';
import { loadConfig } from '../config/load.ts';
import { startGateway } from '../server/start.ts';
import { describeStore } from '../store/registry.ts';
import { installShutdownFlush } from '../store/shutdown.ts';
import { followLauncher, launchedByNpm } from './follow-launcher.ts';
import { UsageError } from './usage-error.ts';

export const help = `Usage: triage serve [--port 8787] [--host 0.0.0.0] [--config FILE] [--db FILE]

Runs the OpenAI-compatible gateway.
  --port N        port to listen on (default: PORT, else the config's server.port, else 8787)
  --host H        address to bind (default: the config's server.host, 0.0.0.0)
  --config FILE   YAML or JSON config (default: ./triage.config.yaml when present, else built-in)
  --db FILE       SQLite decision log (default: TRIAGE_DB, else the config's store: store.path, or
                  Postgres with store.kind: postgres and the URL in TRIAGE_DATABASE_URL)
  --degraded-start  start even when a router's scorer cannot load (its requests go to the strong model)
Environment: OPENAI_API_KEY (built-in config), TRIAGE_API_KEYS (gateway keys), LOG_LEVEL.
`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      config: { type: 'string' },
      db: { type: 'string' },
      'degraded-start': { type: 'boolean' },
    },
    strict: true,
  });
  const env = processEnv();
  const port = values.port ?? (env['PORT'] || undefined);
  if (port !== undefined && !/^\d+$/.test(port)) throw new UsageError(`--port must be a number, got "${port}"`);
  const { config, source } = loadConfig({
    file: values.config,
    env,
    overrides: { port: port === undefined ? undefined : Number(port), dbPath: values.db ?? (env['TRIAGE_DB'] || undefined) },
  });
  if (values.host) config.server.host = values.host;
  if (values['degraded-start']) config.server.allowDegradedStart = true;
  const gateway = await startGateway({ config, env });
  gateway.ctx.log.info('config', { source, db: describeStore(config.store) });
  const shutdown = installShutdownFlush(gateway.ctx.store, {
    closers: [() => gateway.close()],
    // The gateway's own grace period, plus time to flush: the store must not close under a live stream.
    closerTimeoutMs: config.server.shutdownGraceMs + 5_000,
    onSignal: (signal) => gateway.ctx.log.info('shutting_down', { signal }),
  });
  // Under npx/npm exec the wrapper's shell can die on SIGTERM without passing it on: follow it out.
  if (launchedByNpm(env)) followLauncher(() => void shutdown.handle('SIGTERM'));
  // Keep running until a signal arrives.
  await new Promise<never>(() => {});
  return 0;
}
