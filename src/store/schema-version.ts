// What every store backend's migration runner shares: the shape of one migration, the check that a
// list is numbered 1, 2, 3, ... without gaps, and the error for a database written by a newer build.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export class SchemaTooNewError extends Error {
  constructor(
    readonly databaseVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      `decision log schema version ${databaseVersion} is newer than this build knows ` +
        `(${knownVersion}); upgrade triage or point it at another database`,
    );
    this.name = 'SchemaTooNewError';
  }
}

/** Throws unless versions are 1, 2, 3, ... in order. */
export function checkMigrationOrder(list: readonly Migration[]): void {
  list.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migration #${index} has version ${migration.version}, expected ${index + 1}`);
    }
  });
}
