// The shadow_labels table on SQLite (migration 6): insert one label, list newest first with the
// usual since/until/router/limit filters, and add up spend for the daily cap and reports. The codecs
// are exported: the Postgres store keeps the same columns and reuses them.

import type Database from 'better-sqlite3';
import {
  NewShadowLabelSchema, ShadowLabelSchema, type NewShadowLabel, type ShadowLabel, type ShadowLabelQuery, type ShadowSpend,
} from '../shadow-labels.ts';

type Row = Record<string, unknown>;
const isRow = (value: unknown): value is Row => typeof value === 'object' && value !== null;

export const shadowLabelColumns = [
  'decision_id', 'ts', 'router', 'prompt_hash', 'served_tier', 'strong_model', 'weak_model', 'judge_model',
  'verdict_strong_first', 'verdict_weak_first', 'label', 'cost_usd', 'shadow_tokens_in', 'shadow_tokens_out',
  'judge_tokens_in', 'judge_tokens_out', 'error',
] as const;

export function decodeShadowLabel(row: Row): ShadowLabel {
  return ShadowLabelSchema.parse({
    id: row['id'], decisionId: row['decision_id'], ts: row['ts'], router: row['router'] ?? null,
    promptHash: row['prompt_hash'] ?? null, servedTier: row['served_tier'] ?? null, strongModel: row['strong_model'],
    weakModel: row['weak_model'], judgeModel: row['judge_model'], verdictStrongFirst: row['verdict_strong_first'],
    verdictWeakFirst: row['verdict_weak_first'], label: row['label'], costUsd: row['cost_usd'],
    shadowTokensIn: row['shadow_tokens_in'] ?? null, shadowTokensOut: row['shadow_tokens_out'] ?? null,
    judgeTokensIn: row['judge_tokens_in'] ?? null, judgeTokensOut: row['judge_tokens_out'] ?? null, error: row['error'] ?? null,
  });
}

/** Validates a new label and returns it with its insert values (in shadowLabelColumns order). */
export function encodeShadowLabel(input: NewShadowLabel): { label: NewShadowLabel; values: Array<string | number | null> } {
  const l = NewShadowLabelSchema.parse(input);
  const values = [
    l.decisionId, l.ts, l.router, l.promptHash, l.servedTier, l.strongModel, l.weakModel, l.judgeModel,
    l.verdictStrongFirst, l.verdictWeakFirst, l.label, l.costUsd, l.shadowTokensIn, l.shadowTokensOut,
    l.judgeTokensIn, l.judgeTokensOut, l.error,
  ];
  return { label: l, values };
}

function where(query: ShadowLabelQuery): { sql: string; params: Array<string | number> } {
  const conditions: string[] = [];
  const params: Array<string | number> = [];
  const add = (condition: string, value: string | number | undefined): void => {
    if (value === undefined) return;
    conditions.push(condition);
    params.push(value);
  };
  add('ts >= ?', query.since);
  add('ts < ?', query.until);
  add('router = ?', query.router);
  return { sql: conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '', params };
}

export class ShadowLabelTable {
  private readonly insert: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(`INSERT INTO shadow_labels (${shadowLabelColumns.join(', ')}) VALUES (${shadowLabelColumns.map(() => '?').join(', ')})`);
  }

  save(input: NewShadowLabel): ShadowLabel {
    const { label, values } = encodeShadowLabel(input);
    const result = this.insert.run(...values);
    return { ...label, id: Number(result.lastInsertRowid) };
  }

  list(query: ShadowLabelQuery = {}): ShadowLabel[] {
    if (query.limit !== undefined && (!Number.isInteger(query.limit) || query.limit < 0)) {
      throw new RangeError(`limit must be a non-negative integer, got ${query.limit}`);
    }
    const { sql, params } = where(query);
    const limit = query.limit === undefined ? '' : ` LIMIT ${query.limit}`;
    return this.db.prepare(`SELECT * FROM shadow_labels${sql} ORDER BY ts DESC, id DESC${limit}`).all(...params).filter(isRow).map(decodeShadowLabel);
  }

  spent(query: ShadowLabelQuery = {}): ShadowSpend {
    const { sql, params } = where(query);
    const row: unknown = this.db.prepare(`SELECT count(*) AS labels, coalesce(sum(cost_usd), 0) AS cost FROM shadow_labels${sql}`).get(...params);
    return isRow(row) ? { labels: Number(row['labels'] ?? 0), costUsd: Number(row['cost'] ?? 0) } : { labels: 0, costUsd: 0 };
  }
}
