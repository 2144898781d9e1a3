// Reads what a view of the usage report is asked for, from text (CLI flags or query parameters):
// the grouping ("model", "tag:feature", or a bare tag name as `--by feature` always meant) and
// the time bounds (a duration back from now, or an ISO date or time; times without a zone are UTC).

import type { UsageDimension, UsageGroupBy } from '../store/store.ts';

export class UsageQueryError extends Error {
  override readonly name = 'UsageQueryError';
}

const COLUMN_DIMENSIONS: Record<Exclude<UsageDimension, 'tag'>, string> = {
  model: 'the model alias that served the call',
  router: 'the router that decided, empty for pass-through',
  mode: 'the mode the client sent',
  task: 'the inferred task type',
  day: 'the UTC calendar day',
};

const isColumnDimension = (text: string): text is Exclude<UsageDimension, 'tag'> => Object.hasOwn(COLUMN_DIMENSIONS, text);

export const groupByHelp = `tag:<name> (a tag's value), ${Object.entries(COLUMN_DIMENSIONS)
  .map(([name, meaning]) => `${name} (${meaning})`)
  .join(', ')}; a bare name that is none of these is a tag`;

/** Parses a grouping; undefined means per model. */
export function parseGroupBy(text: string | undefined): UsageGroupBy {
  if (text === undefined) return { dimension: 'model' };
  if (text.startsWith('tag:')) {
    const tag = text.slice(4);
    if (tag === '') throw new UsageQueryError('--by tag: needs a tag name, e.g. --by tag:feature');
    return { dimension: 'tag', tag };
  }
  if (text === 'task-type') return { dimension: 'task' };
  if (isColumnDimension(text)) return { dimension: text };
  if (text === '') throw new UsageQueryError(`--by needs a value: ${groupByHelp}`);
  return { dimension: 'tag', tag: text };
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const DURATION = /^(\d{1,9})([mhdw])$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;

/** Epoch ms for `--since` / `--until`: "30m", "24h", "7d", "2w" back from now, or an ISO date or time. */
/** The range a JavaScript Date can hold. */
const MAX_TIME_MS = 8.64e15;

export function parseTimeBound(flag: string, text: string, nowMs: number): number {
  const duration = DURATION.exec(text);
  if (duration) {
    const ms = nowMs - Number(duration[1]) * (UNIT_MS[duration[2] ?? ''] ?? 0);
    if (ms >= -MAX_TIME_MS) return ms;
    throw new UsageQueryError(`${flag} ${text} reaches back before any date there is`);
  }
  const date = DATE.exec(text);
  if (date) {
    const ms = Date.parse(`${text}T00:00:00Z`);
    // Date.parse rolls 2026-02-30 over to March: refuse dates that do not round-trip.
    if (Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === text) return ms;
  } else if (DATE_TIME.test(text)) {
    const zoned = /(Z|[+-]\d{2}:\d{2})$/.test(text) ? text : `${text}Z`;
    const ms = Date.parse(zoned);
    if (Number.isFinite(ms)) return ms;
  }
  throw new UsageQueryError(
    `${flag} must be a duration back from now (30m, 24h, 7d, 2w) or an ISO date or time ` +
      `(2026-11-30, 2026-11-30T12:00Z; UTC when no zone is given), got "${text}"`,
  );
}

/** Both bounds; refuses an empty window. */
export function parseWindow(since: string | undefined, until: string | undefined, nowMs: number): { since?: number; until?: number } {
  const window = {
    since: since === undefined ? undefined : parseTimeBound('--since', since, nowMs),
    until: until === undefined ? undefined : parseTimeBound('--until', until, nowMs),
  };
  if (window.since !== undefined && window.until !== undefined && window.since >= window.until) {
    throw new UsageQueryError(`--since (${new Date(window.since).toISOString()}) must be before --until (${new Date(window.until).toISOString()})`);
  }
  return window;
}
