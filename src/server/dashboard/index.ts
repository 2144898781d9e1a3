// Mounts the dashboard on the gateway's app: the pages at /dashboard/<view> (/dashboard shows the
// overview), their assets at /dashboard/assets/<name>, and the JSON API at /dashboard/api. Pages
// and API sit behind dashboardAuth; assets hold no data and are public. Every page answer carries
// a strict Content-Security-Policy (scripts and styles from this gateway only) and no CORS headers.

import type { Hono } from 'hono';
import type { GatewayContext } from '../context.ts';
import { GatewayError, errorResponse } from '../errors.ts';
import { dashboardApi } from './api.ts';
import { asset } from './assets.ts';
import { dashboardAuth } from './auth.ts';
import { renderPage, VIEWS, type View } from './pages.ts';

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const PAGE_HEADERS = { 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' };
const QUERY_FIELDS = ['since', 'until', 'by', 'router', 'window', 'period', 'tag', 'mode', 'reason', 'model', 'status', 'limit'];

export function mountDashboard(app: Hono, ctx: GatewayContext): void {
  if (!ctx.config.dashboard.enabled) return;
  app.get('/dashboard/assets/:name', (c) => {
    const found = asset(c.req.param('name'));
    if (!found) return errorResponse(new GatewayError(404, 'no such dashboard asset', 'not_found_error', 'not_found'));
    return c.body(found.body, 200, { 'content-type': found.type, 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' });
  });
  app.use('/dashboard/api/*', dashboardAuth(ctx, 'api'));
  app.route('/dashboard/api', dashboardApi(ctx));
  const pageAuth = dashboardAuth(ctx, 'page');
  const render = (view: View, query: Record<string, string>) => {
    const known = Object.fromEntries(QUERY_FIELDS.filter((f) => query[f] !== undefined).map((f) => [f, query[f]]));
    return renderPage(view, known, Object.keys(ctx.config.routers));
  };
  app.get('/dashboard', pageAuth, (c) => c.html(render('overview', c.req.query()), 200, PAGE_HEADERS));
  // One static route per view, not "/dashboard/:view": that pattern beside /dashboard/api/* and
  // /dashboard/assets/:name makes Hono give up its RegExp router for the trie router on every route
  // of the gateway, the chat path included. An unknown view is the app's 404.
  for (const view of VIEWS) app.get(`/dashboard/${view}`, pageAuth, (c) => c.html(render(view, c.req.query()), 200, PAGE_HEADERS));
}
