// The dashboard API's query parameters and bodies: one zod schema per endpoint, read from text
// with the same parsers the CLI uses (usage-query.ts for --since/--until and --by, window.ts for
// --window), and bounded (a window of at most MAX_SPAN_DAYS, at most MAX_ROWS rows). A bad value
// is a 400 in the OpenAI error shape naming the parameter.

import { z } from 'zod';
import { parseGroupBy, parseWindow as parseUsageWindow, UsageQueryError } from '../../routing/usage-query.ts';
import { parseWindow as parseTrafficWindow, type WindowSpec } from '../../learning/window.ts';
import type { UsageGroupBy } from '../../store/store.ts';
import { invalidRequest } from '../errors.ts';

export const MAX_SPAN_DAYS = 366;
const DAY_MS = 86_400_000;
/** Most rows one table answer holds, and most rows a filter scans. */
export const MAX_ROWS = 500;
export const MAX_SCAN_ROWS = 20_000;
/** Most logged requests a curve is drawn from (the --window N form). */
export const MAX_WINDOW_ROWS = 200_000;

const name = z.string().min(1).max(200);
const bound = z.string().min(1).max(40);
const fraction = z.coerce.number().min(0).max(1);
const period = z.enum(['day', 'week', 'month']);

/** The time window of a view: since/until as `triage report` takes them (default the last 7 days). */
export const SpanQuerySchema = z.object({ since: bound.default('7d'), until: bound.optional(), router: name.optional() });
export const OverviewQuerySchema = SpanQuerySchema.extend({ by: name.default('model'), top: z.coerce.number().int().min(0).max(200).default(20) });
export const CurveQuerySchema = z.object({ router: name.optional(), window: bound.default('7d'), period: period.default('month') });
export const PointQuerySchema = CurveQuerySchema.extend({ threshold: fraction });
export const DecisionsQuerySchema = SpanQuerySchema.extend({
  tag: z.string().regex(/^[^=]{1,100}=.{0,200}$/, 'tag=name=value').optional(),
  mode: name.optional(),
  reason: name.optional(),
  model: name.optional(),
  status: z.coerce.number().int().min(100).max(599).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_ROWS).default(100),
});
export const ListQuerySchema = z.object({ router: name.optional(), limit: z.coerce.number().int().min(1).max(MAX_ROWS).default(50) });
export const ApplyBodySchema = z.object({ router: name.optional(), threshold: fraction, window: bound.default('7d'), period: period.default('month') }).strict();
export const RollbackBodySchema = z.object({ router: name.optional() }).strict();

/** Parses one schema, or throws a 400 naming the first bad parameter. */
export function parseParams<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue?.path.map(String).join('.') || null;
  throw invalidRequest(`${param ?? 'request'}: ${issue?.message ?? 'invalid'}`, 'invalid_parameter', param);
}

export interface Span {
  since: number;
  until: number;
}

/** since/until as `triage report --since/--until` read them, bounded to MAX_SPAN_DAYS. */
export function readSpan(query: { since: string; until?: string | undefined }, now: number): Span {
  let window: { since?: number; until?: number };
  try {
    window = parseUsageWindow(query.since, query.until, now);
  } catch (error) {
    if (error instanceof UsageQueryError) {
      const param = error.message.startsWith('--until') ? 'until' : 'since';
      throw invalidRequest(error.message.replace(/--(since|until)/g, '$1'), 'invalid_parameter', param);
    }
    throw error;
  }
  const since = window.since ?? now - 7 * DAY_MS;
  const until = window.until ?? now;
  if (until - since > MAX_SPAN_DAYS * DAY_MS) throw invalidRequest(`the window may span at most ${MAX_SPAN_DAYS} days`, 'window_too_long', 'since');
  return { since, until };
}

export function readGroupBy(text: string): UsageGroupBy {
  try {
    return parseGroupBy(text);
  } catch (error) {
    throw invalidRequest(error instanceof Error ? error.message.replace('--by', 'by') : String(error), 'invalid_parameter', 'by');
  }
}

/** A --window value ("7d" or a row count), bounded. */
export function readTrafficWindow(text: string): WindowSpec {
  let window: WindowSpec;
  try {
    window = parseTrafficWindow(text);
  } catch (error) {
    throw invalidRequest(error instanceof Error ? error.message : String(error), 'invalid_parameter', 'window');
  }
  if (window.kind === 'duration' && window.ms > MAX_SPAN_DAYS * DAY_MS) throw invalidRequest(`window may span at most ${MAX_SPAN_DAYS} days`, 'window_too_long', 'window');
  if (window.kind === 'rows' && window.count > MAX_WINDOW_ROWS) throw invalidRequest(`window may hold at most ${MAX_WINDOW_ROWS} requests`, 'window_too_long', 'window');
  return window;
}
