// Converts between DecisionRecord / DecisionOutcome and SQLite rows. Encoding happens in log(),
// so the queued row is a snapshot (later changes to the caller's object do not leak in) and every
// value is already of a type the insert accepts: a queued row cannot poison its batch.

import type { DecisionKind, DecisionOutcome, DecisionRecord, RequestClass, Tier, UsageCell } from '../store.ts';

/** Column order of the decisions insert; `encodeDecision` returns values in this order. */
export const decisionColumns = [
  'id', 'created_at', 'kind', 'router', 'scorer', 'tags', 'mode', 'task_type', 'prompt_hash',
  'prompt_text', 'score', 'threshold', 'tier', 'reason', 'model_alias', 'model_id', 'provider',
  'fallback_used', 'stream', 'status', 'error', 'prompt_tokens', 'completion_tokens',
  'cached_tokens', 'cost_usd', 'decision_ms', 'latency_ms', 'ttfb_ms', 'key_id', 'calibration_id',
  'features', 'features_layout', 'propensity', 'explored',
] as const;

export type SqlValue = string | number | null | Buffer;
export type EncodedDecision = SqlValue[];

const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
const requiredText = (value: unknown): string => text(value) ?? '';
const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
const flag = (value: unknown): number => (value ? 1 : 0);

export function encodeDecision(r: DecisionRecord): EncodedDecision {
  return [
    requiredText(r.id), num(r.createdAt) ?? 0, requiredText(r.kind), text(r.router), text(r.scorer),
    JSON.stringify(r.tags ?? {}), text(r.mode), text(r.taskType), requiredText(r.promptHash),
    text(r.promptText), num(r.score), num(r.threshold), text(r.tier), requiredText(r.reason),
    text(r.modelAlias), text(r.modelId), text(r.provider), flag(r.fallbackUsed), flag(r.stream),
    num(r.status) ?? 0, text(r.error), num(r.promptTokens), num(r.completionTokens),
    num(r.cachedTokens), num(r.costUsd), num(r.decisionMs), num(r.latencyMs), num(r.ttfbMs),
    text(r.keyId),
    text(r.calibrationId), r.features ? encodeVector(r.features.vector) : null, r.features ? text(r.features.layout) : null,
    num(r.propensity), r.explored === undefined || r.explored === null ? null : flag(r.explored),
  ];
}

/** Float32 little-endian bytes (a copy, so the queued row is a snapshot). */
export function encodeVector(vector: Float32Array): Buffer {
  const bytes = Buffer.alloc(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i] as number, i * 4);
  return bytes;
}

export function decodeVector(bytes: Uint8Array): Float32Array {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vector = new Float32Array(Math.floor(buffer.length / 4));
  for (let i = 0; i < vector.length; i++) vector[i] = buffer.readFloatLE(i * 4);
  return vector;
}

/** Optional decision fields: present only when set, so rows from older builds read back unchanged. */
function optionalFields(row: Row): Pick<DecisionRecord, 'calibrationId' | 'features' | 'propensity' | 'explored'> {
  const out: Pick<DecisionRecord, 'calibrationId' | 'features' | 'propensity' | 'explored'> = {};
  const propensity = nr(row, 'propensity');
  if (propensity !== null) out.propensity = propensity;
  if (row['explored'] === 0 || row['explored'] === 1) out.explored = row['explored'] === 1;
  const calibrationId = str(row, 'calibration_id');
  if (calibrationId !== null) out.calibrationId = calibrationId;
  const blob = row['features'];
  const layout = str(row, 'features_layout');
  if (blob instanceof Uint8Array && layout !== null) out.features = { layout, vector: decodeVector(blob) };
  return out;
}

function parseTags(json: unknown): Record<string, string> {
  if (typeof json !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(json);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const tags: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed)) tags[key] = String(value);
    return tags;
  } catch {
    return {};
  }
}

type Row = Record<string, unknown>;
const str = (row: Row, column: string): string | null => text(row[column]);
const nr = (row: Row, column: string): number | null => num(row[column]);

export function decodeDecision(row: Row): DecisionRecord {
  return {
    id: str(row, 'id') ?? '',
    createdAt: nr(row, 'created_at') ?? 0,
    kind: (str(row, 'kind') ?? 'chat') as DecisionKind,
    router: str(row, 'router'),
    scorer: str(row, 'scorer'),
    tags: parseTags(row['tags']),
    mode: str(row, 'mode'),
    taskType: str(row, 'task_type'),
    promptHash: str(row, 'prompt_hash') ?? '',
    promptText: str(row, 'prompt_text'),
    score: nr(row, 'score'),
    threshold: nr(row, 'threshold'),
    tier: str(row, 'tier') as Tier | null,
    reason: str(row, 'reason') ?? '',
    modelAlias: str(row, 'model_alias'),
    modelId: str(row, 'model_id'),
    provider: str(row, 'provider'),
    fallbackUsed: row['fallback_used'] === 1,
    stream: row['stream'] === 1,
    status: nr(row, 'status') ?? 0,
    error: str(row, 'error'),
    promptTokens: nr(row, 'prompt_tokens'),
    completionTokens: nr(row, 'completion_tokens'),
    cachedTokens: nr(row, 'cached_tokens'),
    costUsd: nr(row, 'cost_usd'),
    decisionMs: nr(row, 'decision_ms'),
    latencyMs: nr(row, 'latency_ms'),
    ttfbMs: nr(row, 'ttfb_ms'),
    keyId: str(row, 'key_id'),
    ...optionalFields(row),
  };
}

export function decodeOutcome(row: Row): DecisionOutcome {
  return {
    decisionId: str(row, 'decision_id') ?? '',
    createdAt: nr(row, 'created_at') ?? 0,
    source: str(row, 'source') ?? '',
    rating: nr(row, 'rating'),
    label: str(row, 'label'),
  };
}

const requestClasses: Record<RequestClass, true> = { upstream: true, 'dry-run': true, rejected: true };
const isRequestClass = (value: unknown): value is RequestClass => typeof value === 'string' && Object.hasOwn(requestClasses, value);

/** A row of selectUsageCells (column names already in camelCase). */
export function decodeUsageCell(row: Row): UsageCell {
  const requestClass = row['requestClass'];
  return {
    key: str(row, 'key') ?? '',
    requestClass: isRequestClass(requestClass) ? requestClass : 'upstream',
    router: str(row, 'router'),
    modelAlias: str(row, 'modelAlias'),
    tier: row['tier'] === 'strong' || row['tier'] === 'weak' ? row['tier'] : null,
    requests: nr(row, 'requests') ?? 0,
    promptTokens: nr(row, 'promptTokens') ?? 0,
    cachedTokens: nr(row, 'cachedTokens') ?? 0,
    completionTokens: nr(row, 'completionTokens') ?? 0,
    costUsd: nr(row, 'costUsd') ?? 0,
  };
}
