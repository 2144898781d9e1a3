// Public entry of the Postgres store.
export { openPostgresStore, PostgresDecisionStore, type PostgresStoreOptions } from './postgres-store.ts';
export { applyPostgresMigrations, postgresMigrationStatus, type MigrationStatus } from './migrate.ts';
export { isPostgresUrl, openPostgresPool, redactPostgresUrl } from './pool.ts';
