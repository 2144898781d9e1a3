// Converts between GatewayKey and rows of the gateway_keys table (JSON columns parsed through the
// key schema, so a hand-edited row that does not fit is refused rather than half-read).

import { GatewayKeySchema, type GatewayKey } from '../keys.ts';

function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : null;
}

export function decodeKey(row: Record<string, unknown>): GatewayKey {
  return GatewayKeySchema.parse({
    id: row['id'],
    name: row['name'],
    createdAt: row['created_at'],
    revokedAt: row['revoked_at'] ?? null,
    tags: parseJson(row['tags']) ?? {},
    budget: parseJson(row['budget']),
    models: parseJson(row['models']),
    admin: row['admin'] === 1,
  });
}

export function encodeKey(key: GatewayKey, hash: string): Array<string | number | null> {
  return [
    key.id, hash, key.name, key.createdAt, key.revokedAt, JSON.stringify(key.tags),
    key.budget === null ? null : JSON.stringify(key.budget), key.models === null ? null : JSON.stringify(key.models), key.admin ? 1 : 0,
  ];
}

export const insertKeySql =
  'INSERT INTO gateway_keys (id, hash, name, created_at, revoked_at, tags, budget, models, admin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';
export const selectKeysSql = 'SELECT * FROM gateway_keys ORDER BY created_at ASC, rowid ASC';
export const selectKeyByHashSql = 'SELECT * FROM gateway_keys WHERE hash = ?';
export const revokeKeySql = 'UPDATE gateway_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?';
export const spentSinceSql = 'SELECT coalesce(sum(cost_usd), 0) AS spent FROM decisions WHERE key_id = ? AND created_at >= ?';
