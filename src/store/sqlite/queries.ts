// SQL text for the decision log: the batched insert, and the read queries built from a
// DecisionQuery (since inclusive, until exclusive, router, limit). Values are always bound, never
// spliced into the SQL, except the limit which is validated as a non-negative integer.

import type { DecisionQuery } from '../store.ts';
import { decisionColumns, type SqlValue } from './rows.ts';

export const insertDecisionSql =
  `INSERT OR REPLACE INTO decisions (${decisionColumns.join(', ')}) ` +
  `VALUES (${decisionColumns.map(() => '?').join(', ')})`;

export const insertOutcomeSql =
  'INSERT INTO outcomes (decision_id, created_at, source, rating, label) VALUES (?, ?, ?, ?, ?) ' +
  'ON CONFLICT (decision_id, source) DO UPDATE SET created_at = excluded.created_at, rating = excluded.rating, label = excluded.label';

export const selectOutcomesSql =
  'SELECT * FROM outcomes WHERE decision_id = ? ORDER BY created_at ASC, id ASC';

export const selectDecisionByIdSql = 'SELECT * FROM decisions WHERE id = ?';

export interface BoundSql {
  sql: string;
  params: SqlValue[];
}

function whereClause(query: DecisionQuery): BoundSql {
  const conditions: string[] = [];
  const params: SqlValue[] = [];
  if (query.since !== undefined) {
    conditions.push('created_at >= ?');
    params.push(query.since);
  }
  if (query.until !== undefined) {
    conditions.push('created_at < ?');
    params.push(query.until);
  }
  if (query.router !== undefined) {
    conditions.push('router = ?');
    params.push(query.router);
  }
  return { sql: conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '', params };
}

function limitClause(limit: number | undefined): string {
  if (limit === undefined) return '';
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
  return ` LIMIT ${limit}`;
}

export function selectDecisions(query: DecisionQuery): BoundSql {
  const where = whereClause(query);
  return {
    sql: `SELECT * FROM decisions${where.sql} ORDER BY created_at DESC, rowid DESC${limitClause(query.limit)}`,
    params: where.params,
  };
}

/** A JSON path naming one object key exactly, whatever characters it holds. */
export function jsonKeyPath(key: string): string {
  return `$."${key.replace(/["\\]/g, (char) => `\\${char}`)}"`;
}

export function selectCostByTag(tag: string, query: DecisionQuery): BoundSql {
  const where = whereClause(query);
  const sql =
    `SELECT coalesce(CAST(json_extract(tags, ?) AS TEXT), '') AS key, count(*) AS requests, ` +
    `coalesce(sum(prompt_tokens), 0) AS promptTokens, ` +
    `coalesce(sum(completion_tokens), 0) AS completionTokens, ` +
    `coalesce(sum(cost_usd), 0) AS costUsd ` +
    `FROM decisions${where.sql} GROUP BY key ORDER BY costUsd DESC, key ASC${limitClause(query.limit)}`;
  return { sql, params: [jsonKeyPath(tag), ...where.params] };
}
