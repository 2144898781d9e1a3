import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Fetches (or locates) the public data once; the tests that need it skip, with one line, when it cannot.
    globalSetup: ['test/support/public-data.setup.ts'],
    // Child processes started through bin/triage.js run the current sources, not a dist/ that may be
    // stale; test/cli/start.test.ts runs the compiled code on purpose.
    env: { TRIAGE_SOURCE: '1' },
  },
});
