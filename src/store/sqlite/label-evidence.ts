// Reads label evidence from a SQLite decision log: outcomes joined with their decisions, and
// shadow_labels joined with theirs when that table exists (it is feature-detected, so a log
// written before shadow judging reads fine). Each row is checked by the zod schemas. The SQL text and
// row decoders are exported: the Postgres store keeps the same columns and reuses them.

import type Database from 'better-sqlite3';
import {
  OutcomeEvidenceSchema, ShadowEvidenceSchema, type LabelEvidence, type LabelEvidenceQuery, type OutcomeEvidence, type ShadowEvidence,
} from '../label-evidence.ts';
import { decodeVector } from './rows.ts';

type Row = Record<string, unknown>;
const isRow = (value: unknown): value is Row => typeof value === 'object' && value !== null;

export const DECISION_COLUMNS = `d.id AS decision_id, d.created_at, d.router, d.prompt_hash, d.prompt_text, d.tier, d.reason, d.scorer,
  d.features, d.features_layout, d.explored`;

function decisionFields(row: Row): Record<string, unknown> {
  const blob = row['features'];
  const layout = row['features_layout'];
  return {
    decisionId: row['decision_id'],
    createdAt: row['created_at'],
    router: row['router'] ?? null,
    promptHash: row['prompt_hash'],
    promptText: row['prompt_text'] ?? null,
    tier: row['tier'] ?? null,
    reason: row['reason'],
    scorer: row['scorer'] ?? null,
    explored: row['explored'] === 1,
    features: blob instanceof Uint8Array && typeof layout === 'string' ? { layout, vector: Array.from(decodeVector(blob)) } : null,
  };
}

function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

export const decodeOutcomeEvidence = (row: Row): OutcomeEvidence =>
  OutcomeEvidenceSchema.parse({ ...decisionFields(row), source: row['source'], rating: row['rating'] ?? null, label: row['label'] ?? null, recordedAt: row['recorded_at'] });

export const decodeShadowEvidence = (row: Row): ShadowEvidence =>
  ShadowEvidenceSchema.parse({
    ...decisionFields(row),
    strongModel: row['strong_model'],
    weakModel: row['weak_model'],
    judgeModel: row['judge_model'] ?? null,
    label: row['label'],
    recordedAt: row['recorded_at'],
  });

export function readLabelEvidence(db: Database.Database, query: LabelEvidenceQuery = {}): LabelEvidence {
  const since = query.since ?? 0;
  const limit = Math.max(0, Math.trunc(query.limit ?? 1_000_000));
  const outcomes: OutcomeEvidence[] = db
    .prepare(`SELECT ${DECISION_COLUMNS}, o.source, o.rating, o.label, o.created_at AS recorded_at
      FROM outcomes o JOIN decisions d ON d.id = o.decision_id
      WHERE o.created_at >= ? ORDER BY o.created_at, o.id LIMIT ?`)
    .all(since, limit)
    .filter(isRow)
    .map(decodeOutcomeEvidence);
  const shadowTable = hasTable(db, 'shadow_labels');
  const shadow: ShadowEvidence[] = shadowTable
    ? db
        .prepare(`SELECT ${DECISION_COLUMNS}, s.strong_model, s.weak_model, s.judge_model, s.label, s.ts AS recorded_at
          FROM shadow_labels s JOIN decisions d ON d.id = s.decision_id
          WHERE s.ts >= ? ORDER BY s.ts, s.id LIMIT ?`)
        .all(since, limit)
        .filter(isRow)
        .map(decodeShadowEvidence)
    : [];
  return { outcomes, shadow, shadowTable };
}
