// SQL for the decision log on Postgres: the batched multi-row upsert and the read queries built from
// a DecisionQuery (since inclusive, until exclusive, router, limit). Mirrors sqlite/queries.ts; the
// tie-break on equal created_at is `seq` (bumped on every re-log) where SQLite uses its rowid.

import type { DecisionQuery, UsageDimension, UsageGroupBy } from '../store.ts';
import { decisionColumns, type EncodedDecision } from '../sqlite/rows.ts';
import { limitClause, Params, utcDaySql, whereSql } from './params.ts';

export interface BoundSql {
  text: string;
  values: Params['values'];
}

const updateColumns = decisionColumns.filter((column) => column !== 'id');

/** Postgres type of each decisions column, for the one-array-per-column insert below. */
const columnTypes: Record<(typeof decisionColumns)[number], string> = {
  id: 'text', created_at: 'bigint', kind: 'text', router: 'text', scorer: 'text', tags: 'text', mode: 'text', task_type: 'text',
  prompt_hash: 'text', prompt_text: 'text', score: 'float8', threshold: 'float8', tier: 'text', reason: 'text', model_alias: 'text',
  model_id: 'text', provider: 'text', fallback_used: 'smallint', stream: 'smallint', status: 'integer', error: 'text',
  prompt_tokens: 'bigint', completion_tokens: 'bigint', cached_tokens: 'bigint', cost_usd: 'float8', decision_ms: 'float8',
  latency_ms: 'float8', ttfb_ms: 'float8', key_id: 'text', calibration_id: 'text', features: 'bytea', features_layout: 'text',
  propensity: 'float8', explored: 'smallint',
};

/**
 * One INSERT for a batch, with one array parameter per column (unnest), so the statement text and
 * its parameter count stay the same whatever the batch size. Logging an id twice keeps the last
 * record. Postgres refuses to update one row twice in one statement, so only the last row of each
 * id in the batch is sent.
 */
export function insertDecisionBatch(rows: readonly EncodedDecision[]): BoundSql {
  const lastById = new Map<unknown, EncodedDecision>();
  for (const row of rows) {
    lastById.delete(row[0]);
    lastById.set(row[0], row);
  }
  const batch = [...lastById.values()];
  const params = new Params();
  const arrays = decisionColumns.map((column, index) => `${params.addArray(batch.map((row) => row[index] ?? null))}::${columnTypes[column]}[]`);
  const text =
    `INSERT INTO decisions (${decisionColumns.join(', ')}) SELECT * FROM unnest(${arrays.join(', ')}) ` +
    `ON CONFLICT (id) DO UPDATE SET ${updateColumns.map((column) => `${column} = excluded.${column}`).join(', ')}, ` +
    `seq = nextval('decisions_seq')`;
  return { text, values: params.values };
}

function conditions(query: DecisionQuery, params: Params): string[] {
  const out: string[] = [];
  if (query.since !== undefined) out.push(`created_at >= ${params.add(query.since)}`);
  if (query.until !== undefined) out.push(`created_at < ${params.add(query.until)}`);
  if (query.router !== undefined) out.push(`router = ${params.add(query.router)}`);
  return out;
}

export function selectDecisions(query: DecisionQuery): BoundSql {
  const params = new Params();
  const where = whereSql(conditions(query, params));
  return { text: `SELECT * FROM decisions${where} ORDER BY created_at DESC, seq DESC${limitClause(query.limit)}`, values: params.values };
}

const tagValueSql = (params: Params, tag: string): string => `coalesce(tags::jsonb ->> ${params.add(tag)}, '')`;

export function selectCostByTag(tag: string, query: DecisionQuery): BoundSql {
  const params = new Params();
  const key = tagValueSql(params, tag);
  const where = whereSql(conditions(query, params));
  const text =
    `SELECT ${key} AS key, count(*) AS requests, coalesce(sum(prompt_tokens), 0) AS "promptTokens", ` +
    `coalesce(sum(completion_tokens), 0) AS "completionTokens", coalesce(sum(cost_usd), 0) AS "costUsd" ` +
    `FROM decisions${where} GROUP BY 1 ORDER BY "costUsd" DESC, key ASC${limitClause(query.limit)}`;
  return { text, values: params.values };
}

/** SQL for one group key per dimension (the tag name is bound). */
const usageKeySql: Record<UsageDimension, (params: Params, groupBy: UsageGroupBy) => string> = {
  tag: (params, groupBy) => tagValueSql(params, groupBy.dimension === 'tag' ? groupBy.tag : ''),
  mode: () => "coalesce(mode, '')",
  task: () => "coalesce(task_type, '')",
  router: () => "coalesce(router, '')",
  model: () => "coalesce(model_alias, '')",
  day: () => utcDaySql('created_at'),
};

/** The request class of a row, as usage-cells.ts defines it (rejected first, then dry runs). */
const requestClassSql = "CASE WHEN reason = 'rejected' THEN 'rejected' WHEN kind = 'route' THEN 'dry-run' ELSE 'upstream' END";

export function selectUsageCells(groupBy: UsageGroupBy, query: DecisionQuery): BoundSql {
  const params = new Params();
  const key = usageKeySql[groupBy.dimension](params, groupBy);
  const where = whereSql(conditions(query, params));
  const text =
    `SELECT ${key} AS key, ${requestClassSql} AS "requestClass", router, model_alias AS "modelAlias", tier, ` +
    `count(*) AS requests, coalesce(sum(prompt_tokens), 0) AS "promptTokens", ` +
    `coalesce(sum(LEAST(coalesce(cached_tokens, 0), coalesce(prompt_tokens, 0))), 0) AS "cachedTokens", ` +
    `coalesce(sum(completion_tokens), 0) AS "completionTokens", coalesce(sum(cost_usd), 0) AS "costUsd" ` +
    `FROM decisions${where} GROUP BY 1, 2, router, model_alias, tier`;
  return { text, values: params.values };
}
