// Builds Postgres SQL with numbered placeholders ($1, $2, ...): each add() binds one value and
// returns its placeholder, so values are always bound and never spliced into the SQL text.

import type { SqlValue } from '../sqlite/rows.ts';

export type PgValue = SqlValue | boolean | SqlValue[];

export class Params {
  readonly values: PgValue[] = [];

  add(value: PgValue): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** Binds a whole column as one array parameter (for INSERT ... SELECT FROM unnest). */
  addArray(values: SqlValue[]): string {
    return this.add(values);
  }

  /** "($1, $2, ...)" for one row of values. */
  row(values: readonly PgValue[]): string {
    return `(${values.map((value) => this.add(value)).join(', ')})`;
  }
}

/** " LIMIT n" for a validated non-negative integer, or "" without a limit. */
export function limitClause(limit: number | undefined): string {
  if (limit === undefined) return '';
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
  return ` LIMIT ${limit}`;
}

/** " WHERE a AND b" from the conditions that apply, or "". */
export function whereSql(conditions: readonly string[]): string {
  return conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
}

/** The epoch-ms column as a UTC calendar day, "YYYY-MM-DD" (as SQLite's strftime gives it). */
export function utcDaySql(column: string): string {
  return `to_char(to_timestamp(floor(${column} / 1000.0)) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
}
