// The learning tables on Postgres: calibrations (save, list, the active set per (router, target),
// rollback), shadow labels (save, list, spend) and model versions (save, list, active per line,
// activate, rollback). Same columns and semantics as the SQLite tables, whose validated encoders and
// decoders are reused; the tie-break on equal times is `seq` (insertion order) where SQLite uses its
// rowid. Rollbacks run in a transaction under a per-router (per-line) advisory lock, so two
// instances rolling back at once step back one calibration each, never the same one twice.

import type pg from 'pg';
import { activePerRouter, NothingToRollBackError, type Calibration, type CalibrationQuery } from '../learning-store.ts';
import {
  NothingToRollBackError as NoModelToRollBackError, UnknownModelVersionError, type ModelVersion, type ModelVersionQuery,
} from '../model-versions.ts';
import type { NewShadowLabel, ShadowLabel, ShadowLabelQuery, ShadowSpend } from '../shadow-labels.ts';
import { calibrationColumns, decodeCalibration, encodeCalibration } from '../sqlite/calibrations.ts';
import { decodeModelVersion, encodeModelVersion, modelVersionColumns } from '../sqlite/model-versions.ts';
import { decodeShadowLabel, encodeShadowLabel, shadowLabelColumns } from '../sqlite/shadow-label-table.ts';
import { limitClause, Params, whereSql } from './params.ts';

type Queryable = pg.Pool | pg.PoolClient;

const quoted = (columns: readonly string[]): string => columns.map((column) => `"${column}"`).join(', ');

/** Runs `work` in one transaction holding an advisory lock on `lockName`. */
export async function inLockedTransaction<T>(pool: pg.Pool, lockName: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockName]);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  } finally {
    client.release();
  }
}

// Calibrations ---------------------------------------------------------------------------------

const ACTIVE_CALIBRATIONS_SQL = `SELECT * FROM (
    SELECT DISTINCT ON (router, target_key) * FROM calibrations WHERE rolled_back_at IS NULL
    ORDER BY router, target_key, created_at DESC, seq DESC) newest
  ORDER BY created_at DESC, seq DESC`;

export async function saveCalibration(db: Queryable, calibration: Calibration): Promise<void> {
  const params = new Params();
  const row = params.row(encodeCalibration(calibration));
  await db.query(`INSERT INTO calibrations (${quoted(calibrationColumns)}) VALUES ${row}`, params.values);
}

export async function listCalibrations(db: Queryable, query: CalibrationQuery): Promise<Calibration[]> {
  const params = new Params();
  const where = whereSql(query.router === undefined ? [] : [`router = ${params.add(query.router)}`]);
  const sql = `SELECT * FROM calibrations${where} ORDER BY created_at DESC, seq DESC${limitClause(query.limit)}`;
  return (await db.query(sql, params.values)).rows.map(decodeCalibration);
}

export async function activeCalibrations(db: Queryable): Promise<Calibration[]> {
  return (await db.query(ACTIVE_CALIBRATIONS_SQL)).rows.map(decodeCalibration);
}

export function rollbackCalibration(pool: pg.Pool, router: string, at: number): Promise<Calibration | null> {
  return inLockedTransaction(pool, `triage.calibrations.${router}`, async (client) => {
    const current = activePerRouter(await activeCalibrations(client)).find((c) => c.router === router);
    if (!current) throw new NothingToRollBackError(`router "${router}" has no active calibration to roll back`);
    await client.query('UPDATE calibrations SET rolled_back_at = $1 WHERE id = $2', [at, current.id]);
    return activePerRouter(await activeCalibrations(client)).find((c) => c.router === router) ?? null;
  });
}

// Shadow labels --------------------------------------------------------------------------------

function shadowWhere(query: ShadowLabelQuery, params: Params): string {
  const conditions: string[] = [];
  if (query.since !== undefined) conditions.push(`ts >= ${params.add(query.since)}`);
  if (query.until !== undefined) conditions.push(`ts < ${params.add(query.until)}`);
  if (query.router !== undefined) conditions.push(`router = ${params.add(query.router)}`);
  return whereSql(conditions);
}

export async function saveShadowLabel(db: Queryable, input: NewShadowLabel): Promise<ShadowLabel> {
  const { label, values } = encodeShadowLabel(input);
  const params = new Params();
  const row = params.row(values);
  const result = await db.query<{ id: number }>(`INSERT INTO shadow_labels (${shadowLabelColumns.join(', ')}) VALUES ${row} RETURNING id`, params.values);
  return { ...label, id: Number(result.rows[0]?.id) };
}

export async function listShadowLabels(db: Queryable, query: ShadowLabelQuery): Promise<ShadowLabel[]> {
  const params = new Params();
  const limit = limitClause(query.limit);
  const sql = `SELECT * FROM shadow_labels${shadowWhere(query, params)} ORDER BY ts DESC, id DESC${limit}`;
  return (await db.query(sql, params.values)).rows.map(decodeShadowLabel);
}

export async function shadowSpend(db: Queryable, query: ShadowLabelQuery): Promise<ShadowSpend> {
  const params = new Params();
  const sql = `SELECT count(*) AS labels, coalesce(sum(cost_usd), 0) AS cost FROM shadow_labels${shadowWhere(query, params)}`;
  const row = (await db.query<{ labels: number; cost: number }>(sql, params.values)).rows[0];
  return { labels: Number(row?.labels ?? 0), costUsd: Number(row?.cost ?? 0) };
}

// Model versions -------------------------------------------------------------------------------

const ACTIVE_MODEL_VERSIONS_SQL = `SELECT DISTINCT ON (line) * FROM model_versions
  WHERE activated_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY line, activated_at DESC, seq DESC`;

export async function saveModelVersion(db: Queryable, version: ModelVersion): Promise<void> {
  const params = new Params();
  const row = params.row(encodeModelVersion(version));
  await db.query(`INSERT INTO model_versions (${modelVersionColumns.join(', ')}) VALUES ${row}`, params.values);
}

export async function listModelVersions(db: Queryable, query: ModelVersionQuery): Promise<ModelVersion[]> {
  const params = new Params();
  const where = whereSql(query.line === undefined ? [] : [`line = ${params.add(query.line)}`]);
  const limit = query.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.trunc(query.limit))}`;
  return (await db.query(`SELECT * FROM model_versions${where} ORDER BY version DESC, seq DESC${limit}`, params.values)).rows.map(decodeModelVersion);
}

export async function activeModelVersions(db: Queryable): Promise<ModelVersion[]> {
  return (await db.query(ACTIVE_MODEL_VERSIONS_SQL)).rows.map(decodeModelVersion);
}

export async function activateModelVersion(db: Queryable, id: string, at: number): Promise<ModelVersion> {
  const result = await db.query('UPDATE model_versions SET activated_at = $1, rolled_back_at = NULL WHERE id = $2 RETURNING *', [at, id]);
  const row: unknown = result.rows[0];
  if (typeof row !== 'object' || row === null) throw new UnknownModelVersionError(`no model version "${id}" (see triage models list)`);
  return decodeModelVersion(result.rows[0]);
}

export function rollbackModelVersion(pool: pg.Pool, line: string, at: number): Promise<ModelVersion | null> {
  return inLockedTransaction(pool, `triage.model_versions.${line}`, async (client) => {
    const current = (await activeModelVersions(client)).find((v) => v.line === line);
    if (!current) throw new NoModelToRollBackError(`model line ${line} has no active version to roll back (the shipped folder serves)`);
    await client.query('UPDATE model_versions SET rolled_back_at = $1 WHERE id = $2', [at, current.id]);
    return (await activeModelVersions(client)).find((v) => v.line === line) ?? null;
  });
}
