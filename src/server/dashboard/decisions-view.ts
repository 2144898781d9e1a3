// Decisions figures: logged rows filtered by tag, mode, reason, model and status (newest first,
// at most MAX_SCAN_ROWS scanned and MAX_ROWS returned), and one decision in detail with its
// outcomes, its calibration and a plain account of why it went where it went. Prompt text only
// when server.logPrompts is on; the feature vector never (its layout only).

import type { Calibration } from '../../store/learning-store.ts';
import type { DecisionOutcome, DecisionRecord } from '../../store/store.ts';
import type { GatewayContext } from '../context.ts';
import { GatewayError } from '../errors.ts';
import { MAX_SCAN_ROWS, readSpan } from './params.ts';

export type DecisionView = Omit<DecisionRecord, 'features'> & { featuresLayout: string | null };

export interface DecisionsQuery {
  since: string;
  until?: string | undefined;
  router?: string | undefined;
  tag?: string | undefined;
  mode?: string | undefined;
  reason?: string | undefined;
  model?: string | undefined;
  status?: number | undefined;
  limit: number;
}

export function viewOf(ctx: GatewayContext, row: DecisionRecord): DecisionView {
  const { features, ...rest } = row;
  return { ...rest, promptText: ctx.config.server.logPrompts ? row.promptText : null, featuresLayout: features?.layout ?? null };
}

function matches(row: DecisionRecord, q: DecisionsQuery): boolean {
  if (q.tag !== undefined) {
    const at = q.tag.indexOf('=');
    const name = q.tag.slice(0, at);
    if (!Object.hasOwn(row.tags, name) || row.tags[name] !== q.tag.slice(at + 1)) return false;
  }
  if (q.mode !== undefined && row.mode !== q.mode) return false;
  if (q.reason !== undefined && !row.reason.startsWith(q.reason)) return false;
  if (q.model !== undefined && row.modelAlias !== q.model) return false;
  if (q.status !== undefined && row.status !== q.status) return false;
  return true;
}

export async function decisionsView(ctx: GatewayContext, q: DecisionsQuery, now: number): Promise<{ rows: DecisionView[]; scanned: number; truncated: boolean }> {
  const span = readSpan(q, now);
  const scanned = await ctx.store.decisions({ since: span.since, until: span.until, ...(q.router ? { router: q.router } : {}), limit: MAX_SCAN_ROWS });
  const rows = scanned.filter((row) => matches(row, q));
  return { rows: rows.slice(0, q.limit).map((row) => viewOf(ctx, row)), scanned: scanned.length, truncated: scanned.length >= MAX_SCAN_ROWS || rows.length > q.limit };
}

const fixed = (x: number | null, digits = 4): string => (x === null ? '-' : x.toFixed(digits));

/** Why the row went where it went, in a few sentences built from its own fields. */
export function explain(row: DecisionRecord, calibration: Calibration | null): string[] {
  const lines: string[] = [];
  if (row.reason === 'rejected') return [`Rejected before routing with status ${row.status}${row.error ? `: ${row.error}` : ''}.`];
  if (row.router === null) lines.push(`The request named model "${row.modelAlias ?? '?'}" directly, so no router decided (pass-through).`);
  else if (row.reason.startsWith('score>=threshold') || row.reason.startsWith('score<threshold')) {
    const origin = calibration ? `calibration ${calibration.id} (fitted ${new Date(calibration.createdAt).toISOString()} to ${calibration.target.kind})` : row.calibrationId ? `calibration ${row.calibrationId}` : "the router's configured or live threshold";
    lines.push(`Router "${row.router}" scored the prompt ${fixed(row.score)} with ${row.scorer ?? 'its scorer'}; the threshold was ${fixed(row.threshold)} from ${origin}.`);
    lines.push(row.reason.startsWith('score>=threshold') ? 'The score reached the threshold, so the strong model was chosen.' : 'The score stayed below the threshold, so the weak model was chosen.');
  } else if (row.reason.startsWith('mode:')) lines.push(`The client sent mode "${row.reason.slice(5)}", whose rule picks the ${row.tier ?? '?'} model without scoring.`);
  else if (row.reason.startsWith('task-type:')) lines.push(`The prompt was classed as task type "${row.reason.slice(10)}", whose rule picks the ${row.tier ?? '?'} model.`);
  else if (row.reason.startsWith('scorer-')) lines.push(`Scoring failed (${row.reason}), so the request went to the strong model rather than fail.`);
  else lines.push(`Reason: ${row.reason}.`);
  if (row.reason.includes('; retried on ')) lines.push('The first upstream failed before its first byte; the request was retried on the other model.');
  if (row.fallbackUsed) lines.push('A fallback was used (scorer failure or upstream retry).');
  if (row.modelAlias) lines.push(`Served by "${row.modelAlias}" (${row.modelId ?? '?'}) at provider ${row.provider ?? '?'}, status ${row.status}${row.error ? `, error: ${row.error}` : ''}.`);
  if (row.promptTokens !== null || row.completionTokens !== null) {
    lines.push(`${row.promptTokens ?? 0} prompt and ${row.completionTokens ?? 0} completion tokens cost $${fixed(row.costUsd, 6)}; latency ${fixed(row.latencyMs, 0)} ms, first byte ${fixed(row.ttfbMs, 0)} ms, decision ${fixed(row.decisionMs, 2)} ms.`);
  }
  return lines;
}

export async function decisionDetail(ctx: GatewayContext, id: string): Promise<{ decision: DecisionView; outcomes: DecisionOutcome[]; calibration: Calibration | null; explanation: string[] }> {
  const row = await ctx.store.get(id);
  if (!row) throw new GatewayError(404, `no decision with id "${id}"`, 'not_found_error', 'decision_not_found', 'id');
  const outcomes = await ctx.store.outcomes(id);
  let calibration: Calibration | null = null;
  if (row.calibrationId && ctx.learning && row.router) {
    calibration = (await ctx.learning.calibrations({ router: row.router, limit: 500 })).find((c) => c.id === row.calibrationId) ?? null;
  }
  return { decision: viewOf(ctx, row), outcomes, calibration, explanation: explain(row, calibration) };
}
