// The dashboard's JSON API (/dashboard/api/...): what each page shows, for scripts too. Query
// parameters are validated by params.ts (400 in the OpenAI error shape), answers are bounded and
// never cached; the two actions (apply a threshold, roll back) are same-origin POSTs that write an
// audit row naming the key that acted.

import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { activePerRouter, NothingToRollBackError } from '../../store/learning-store.ts';
import { isDashboardStore, type AuditEntry } from '../../store/dashboard-store.ts';
import type { GatewayContext } from '../context.ts';
import { GatewayError, errorResponse, invalidRequest } from '../errors.ts';
import { dashboardActor, sameOriginOnly } from './auth.ts';
import { applyThreshold, curveFigures, pointFigures, routerOf, storesForCalibration } from './curve.ts';
import { decisionDetail, decisionsView } from './decisions-view.ts';
import { healthView } from './health.ts';
import { labelsView } from './labels-view.ts';
import { overview } from './overview.ts';
import { targetsView } from './targets-view.ts';
import {
  ApplyBodySchema, CurveQuerySchema, DecisionsQuerySchema, ListQuerySchema, OverviewQuerySchema, parseParams, PointQuerySchema,
  RollbackBodySchema, SpanQuerySchema,
} from './params.ts';

const AUDIT_ROWS = 50;
const NO_STORE = { 'cache-control': 'no-store' };

async function jsonBody(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw invalidRequest('the body must be a JSON object', 'invalid_json');
  }
}

async function audit(ctx: GatewayContext, entry: AuditEntry): Promise<void> {
  const store = ctx.store;
  if (isDashboardStore(store)) await store.recordAudit(entry);
  else ctx.log.info('dashboard_action', { ...entry, detail: JSON.stringify(entry.detail) });
}

export function dashboardApi(ctx: GatewayContext, now: () => number = Date.now): Hono {
  const api = new Hono();
  const query = (c: Context): Record<string, string> => c.req.query();

  api.get('/overview', async (c) => c.json(await overview(ctx, parseParams(OverviewQuerySchema, query(c)), now()), 200, NO_STORE));
  api.get('/targets', async (c) => c.json(await targetsView(ctx, parseParams(SpanQuerySchema, query(c)), now()), 200, NO_STORE));
  api.get('/curve', async (c) => c.json(await curveFigures(ctx, parseParams(CurveQuerySchema, query(c)), now()), 200, NO_STORE));
  api.get('/curve/point', async (c) => c.json(await pointFigures(ctx, parseParams(PointQuerySchema, query(c)), now()), 200, NO_STORE));
  api.get('/decisions', async (c) => c.json(await decisionsView(ctx, parseParams(DecisionsQuerySchema, query(c)), now()), 200, NO_STORE));
  api.get('/decisions/:id', async (c) => c.json(await decisionDetail(ctx, c.req.param('id')), 200, NO_STORE));
  api.get('/health', async (c) => c.json(await healthView(ctx, parseParams(SpanQuerySchema.extend({ since: SpanQuerySchema.shape.since.default('24h') }), query(c)), now()), 200, NO_STORE));
  api.get('/labels', async (c) => c.json(await labelsView(ctx, parseParams(SpanQuerySchema.extend({ since: SpanQuerySchema.shape.since.default('30d') }), query(c)), now()), 200, NO_STORE));

  api.get('/calibrations', async (c) => {
    const q = parseParams(ListQuerySchema, query(c));
    if (q.router !== undefined) routerOf(ctx, q.router);
    const calibrations = ctx.learning ? await ctx.learning.calibrations({ ...(q.router ? { router: q.router } : {}), limit: q.limit }) : [];
    const active = ctx.learning ? activePerRouter(await ctx.learning.calibrations({ ...(q.router ? { router: q.router } : {}) })).map((a) => a.id) : [];
    const store = ctx.store;
    const auditRows = isDashboardStore(store) ? await store.auditEntries(AUDIT_ROWS) : [];
    return c.json({ calibrations, active, audit: q.router ? auditRows.filter((a) => a.router === q.router) : auditRows }, 200, NO_STORE);
  });

  const actions = [bodyLimit({ maxSize: 16 * 1024, onError: () => errorResponse(new GatewayError(413, 'body too large', 'invalid_request_error', 'request_too_large')) }), sameOriginOnly()] as const;

  api.post('/calibrations', ...actions, async (c) => {
    const body = parseParams(ApplyBodySchema, await jsonBody(c));
    const at = now();
    const { run, replay } = await applyThreshold(ctx, body, at);
    const calibration = run.calibration;
    await audit(ctx, {
      createdAt: at, action: 'apply', router: calibration.router, calibrationId: calibration.id, keyId: dashboardActor(c),
      detail: { threshold: body.threshold, window: body.window, period: body.period, strongShare: replay.projected.strongShare, storedThreshold: calibration.threshold },
    });
    return c.json({ calibration, savingUsd: run.savingUsd, savingShare: run.savingShare, notes: run.notes }, 201, NO_STORE);
  });

  api.post('/rollback', ...actions, async (c) => {
    const body = parseParams(RollbackBodySchema, await jsonBody(c));
    const { name } = routerOf(ctx, body.router);
    const store = storesForCalibration(ctx);
    const at = now();
    const before = activePerRouter(await store.calibrations({ router: name }))[0] ?? null;
    let active;
    try {
      active = await store.rollback(name, at);
    } catch (error) {
      if (error instanceof NothingToRollBackError) throw new GatewayError(409, `router "${name}" has no active calibration to roll back`, 'invalid_request_error', 'nothing_to_roll_back', 'router');
      throw error;
    }
    await audit(ctx, { createdAt: at, action: 'rollback', router: name, calibrationId: active?.id ?? null, keyId: dashboardActor(c), detail: { rolledBack: before?.id ?? null } });
    return c.json({ rolledBack: before?.id ?? null, active }, 200, NO_STORE);
  });

  api.onError((error) => {
    if (error instanceof GatewayError) return errorResponse(error);
    ctx.log.error('dashboard_error', { message: error.message, stack: error.stack });
    return errorResponse(new GatewayError(500, 'internal error in the dashboard', 'server_error', 'internal_error'));
  });
  api.notFound((c) => errorResponse(new GatewayError(404, `no dashboard API route for ${c.req.method} ${new URL(c.req.url).pathname}`, 'not_found_error', 'not_found')));
  return api;
}
