// The Hono app: routes and middleware (auth, body limit, OpenAI-shaped errors). Thin: it parses,
// calls routing and providers through the route handlers, and answers.

import { Hono } from 'hono';
import type { GatewayContext } from './context.ts';
import { GatewayError, errorResponse } from './errors.ts';
import { gatewayAuth, requireAdmin } from './middleware/auth.ts';
import { bodyCap } from './middleware/body-cap.ts';
import { anthropicErrorShape } from './anthropic/error-shape.ts';
import { handleChat } from './routes/chat.ts';
import { handleCountTokens, handleMessages } from './routes/messages.ts';
import { handleFeedback } from './routes/feedback.ts';
import { getModel, listModels } from './routes/models.ts';
import { handleCompletions } from './routes/completions.ts';
import { handleEmbeddings } from './routes/embeddings.ts';
import { handleResponses } from './routes/responses.ts';
import { handleRoute } from './routes/route.ts';
import { mountDashboard } from './dashboard/index.ts';
import { createDatabaseProbe } from './database-probe.ts';

async function listGatewayKeys(ctx: GatewayContext) {
  const keys = await ctx.keys.list();
  return keys.map((key) => ({ ...key, remaining_usd: ctx.keys.remaining({ keyId: key.id, key, admin: key.admin }) ?? null }));
}

export function createApp(ctx: GatewayContext): Hono {
  const app = new Hono();
  const limit = ctx.config.server.bodyLimitBytes;
  const tooLarge = bodyCap(limit, () =>
    errorResponse(new GatewayError(413, `request body exceeds the limit of ${limit} bytes`, 'invalid_request_error', 'request_too_large')),
  );

  // Database reachability: one time-bounded ping, shared by concurrent /healthz calls (database-probe.ts).
  const database = createDatabaseProbe(ctx.store);
  app.get('/healthz', async (c) => {
    const breakers = ctx.breakers.snapshot();
    const open = Object.entries(breakers).filter(([, b]) => b.state !== 'closed').map(([name]) => name);
    const log = ctx.store.stats();
    const db = database ? await database.check() : undefined;
    return c.json({
      status: open.length === 0 && db?.reachable !== false ? 'ok' : 'degraded',
      ...(db ? { database: { backend: db.backend, reachable: db.reachable, latency_ms: db.latencyMs, error: db.error } } : {}),
      uptime_s: Math.round((Date.now() - ctx.startedAt) / 1000),
      routers: Object.keys(ctx.config.routers),
      providers: Object.fromEntries(Object.entries(breakers).map(([name, b]) => [name, { circuit: b.state, consecutive_failures: b.consecutiveFailures }])),
      log: { pending_rows: log.pendingRows, dropped_rows: log.droppedRows, write_failures: log.writeFailures },
    });
  });
  app.get('/metrics', (c) => c.text(ctx.metrics.render(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }));

  // Anthropic Messages routes answer every error in Anthropic's shape (registered first: it wraps auth too).
  app.use('/v1/messages', anthropicErrorShape);
  app.use('/v1/messages/*', anthropicErrorShape);
  app.use('/v1/*', gatewayAuth(ctx.keys));
  app.post('/v1/chat/completions', tooLarge, (c) => handleChat(ctx, c));
  app.post('/v1/messages', tooLarge, (c) => handleMessages(ctx, c));
  app.post('/v1/messages/count_tokens', tooLarge, (c) => handleCountTokens(c));
  app.post('/v1/route', tooLarge, (c) => handleRoute(ctx, c));
  app.post('/v1/feedback', tooLarge, (c) => handleFeedback(ctx, c));
  app.get('/v1/models', (c) => c.json(listModels(ctx)));
  app.get('/v1/models/:id{.+}', (c) => getModel(ctx, c.req.param('id')));
  app.post('/v1/embeddings', tooLarge, (c) => handleEmbeddings(ctx, c));
  app.post('/v1/completions', tooLarge, (c) => handleCompletions(ctx, c));
  app.post('/v1/responses', tooLarge, (c) => handleResponses(ctx, c));

  // Admin endpoints: an admin key whenever auth is on.
  app.use('/admin/*', requireAdmin(ctx.keys));
  app.get('/admin/keys', async (c) => c.json({ object: 'list', data: await listGatewayKeys(ctx) }));

  // The web dashboard and its JSON API (its own auth: the admin key or the dashboard key).
  mountDashboard(app, ctx);

  app.notFound((c) =>
    errorResponse(new GatewayError(404, `no route for ${c.req.method} ${new URL(c.req.url).pathname}`, 'not_found_error', 'not_found')),
  );
  app.onError((error) => {
    if (error instanceof GatewayError) return errorResponse(error);
    ctx.log.error('unhandled_error', { message: error.message, stack: error.stack });
    return errorResponse(new GatewayError(500, 'internal error in the gateway', 'server_error', 'internal_error'));
  });
  return app;
}
