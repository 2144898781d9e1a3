// The vitest run that Stryker uses for `npm run test:mutation`: only the test files that exercise the
// mutated modules (routing, cost, redaction, the SQLite write path, eval metrics, calibration,
// the share controller, budget pacing and worst-case reservations, the traffic window, replay,
// target adherence, labels from the log, judge verdicts, the shadow spend cap, the IPS estimate,
// drift statistics and the retrain gate), so that a full
// mutation run fits on a small machine. The normal suite uses vitest.config.ts.
// MUTATION_TESTS (space-separated test files) narrows the run to those files, for a quicker scoped
// run of one module: fewer tests can only kill fewer mutants, so its score is a lower bound on the
// full run's.

import { defineConfig } from 'vitest/config';

const only = process.env.MUTATION_TESTS?.split(/\s+/).filter((file) => file.length > 0);

export default defineConfig({
  test: {
    include: only && only.length > 0 ? only : [
      'test/routing/**/*.test.ts',
      'test/eval/metrics.test.ts',
      'test/eval/bootstrap.test.ts',
      'test/eval/bootstrap-level.test.ts',
      'test/eval/metrics-edges.test.ts',
      'test/store/sqlite.test.ts',
      'test/store/write-path.test.ts',
      'test/providers/redaction.test.ts',
      'test/providers/failures.test.ts',
      'test/providers/network-detail.test.ts',
      'test/learning/calibrators.test.ts',
      'test/learning/budget-pacer.test.ts',
      'test/learning/share-controller.test.ts',
      'test/learning/replay.test.ts',
      'test/learning/worst-case.test.ts',
      'test/learning/budget-period.test.ts',
      'test/learning/budget-pacer-edges.test.ts',
      'test/learning/budget-pacer-leases.test.ts',
      'test/learning/ranked.test.ts',
      'test/learning/calibrate-exact.test.ts',
      'test/learning/calibrate-quality-exact.test.ts',
      'test/learning/share-controller-exact.test.ts',
      'test/learning/window.test.ts',
      'test/learning/window-target-names.test.ts',
      'test/learning/adherence.test.ts',
      'test/learning/replay-by-hand.test.ts',
      'test/learning/replay-quality-by-hand.test.ts',
      'test/providers/openai-compatible.test.ts',
      'test/learning/log-labels.test.ts',
      'test/learning/judge-pairwise.test.ts',
      'test/learning/shadow-daily-cap.test.ts',
      // Not test/learning/ips.test.ts: its coverage checks (tens of thousands of bootstrap draws)
      // exceed the 30 s test timeout once Stryker instruments ips.ts; ips-exact.test.ts pins the
      // same code on hand-worked rows.
      'test/learning/ips-exact.test.ts',
      'test/learning/retrain-gate-rule.test.ts',
      'test/learning/shadow-daily-cap-edges.test.ts',
      'test/learning/drift-exact.test.ts',
      'test/learning/drift-report-exact.test.ts',
      'test/learning/log-labels-exact.test.ts',
      'test/learning/drift.test.ts',
      'test/learning/retrain-gate.test.ts',
      'test/learning/paired-bootstrap-exact.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
