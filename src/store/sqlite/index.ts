// Public entry of the SQLite decision log.
export { openSqliteStore, SqliteDecisionStore, type SqliteStoreOptions } from './sqlite-store.ts';
export { SchemaTooNewError } from './migrate.ts';
