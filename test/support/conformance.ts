// The one options shape every conformance suite takes, `describeXConformance(name, { create, skip })`:
// how to make a fresh implementation under test, and, when it cannot run here, the reason, which
// the skipped suite's title shows (a null or absent reason runs the suite).

import { describe } from 'vitest';

export interface ConformanceOptions<T> {
  /** A fresh, empty implementation under test. */
  create: () => T | Promise<T>;
  /** Why this implementation cannot run here (e.g. no Postgres server); null or absent runs the suite. */
  skip?: string | null;
}

/** `describe` for one suite and implementation, skipped with its reason in the title when `skip` is set. */
export function describeSuite(suite: string, name: string, skip: string | null | undefined, body: () => void): void {
  const reason = skip ?? null;
  describe.skipIf(reason !== null)(`${suite} conformance: ${name}${reason === null ? '' : ` (skipped: ${reason})`}`, body);
}
