import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Fetches (or locates) the public data once; the tests that need it skip, with one line, when it cannot.
    // One Postgres server for the run (TRIAGE_TEST_DATABASE_URL, else a throw-away cluster); the
    // Postgres tests skip with one line when neither is possible, and fail instead under CI=true.
    globalSetup: ['test/support/public-data.setup.ts', 'test/support/postgres.setup.ts'],
    // Child processes started through bin/triage.js run the current sources, not a dist/ that may be
    // stale; test/cli/start.test.ts runs the compiled code on purpose.
    env: { TRIAGE_SOURCE: '1' },
  },
});
