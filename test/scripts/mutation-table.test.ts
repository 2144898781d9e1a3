// The Markdown table `npm run mutation:table` prints from a Stryker JSON report: counts per status,
// the score as Stryker counts it (timeouts are detected), modules below 80% marked, and the total.
// The report here is a small hand-written one in Stryker's schema.

import { describe, expect, it } from 'vitest';
import { formatMutationTable, moduleScores } from '../../scripts/mutation-table.ts';

const mutants = (...statuses: string[]) => statuses.map((status) => ({ status }));
const report = {
  schemaVersion: '2',
  files: {
    '/clone/src/routing/decide.ts': { language: 'typescript', source: '', mutants: mutants('Killed', 'Killed', 'Timeout', 'Survived', 'NoCoverage') },
    '/clone/src/eval/metrics.ts': { language: 'typescript', source: '', mutants: mutants('Killed', 'Killed', 'Killed', 'Killed', 'Survived') },
  },
};

describe('mutation table', () => {
  it('counts each status per module, sorted by path, with timeouts as detected', () => {
    expect(moduleScores(report)).toEqual([
      { module: 'eval/metrics.ts', total: 5, killed: 4, timedOut: 0, survived: 1, noCoverage: 0, score: 80 },
      { module: 'routing/decide.ts', total: 5, killed: 2, timedOut: 1, survived: 1, noCoverage: 1, score: 60 },
    ]);
  });

  it('marks the modules below 80% and sums the run', () => {
    expect(formatMutationTable(moduleScores(report)).split('\n')).toEqual([
      '| module | mutants | killed | timed out | survived | no coverage | score |',
      '|---|---|---|---|---|---|---|',
      '| `eval/metrics.ts` | 5 | 4 | 0 | 1 | 0 | 80.00% |',
      '| `routing/decide.ts` | 5 | 2 | 1 | 1 | 1 | 60.00% (below 80%) |',
      '',
      '2 modules, 10 mutants, 70.00% detected; 1 below 80%.',
    ]);
  });

  it('refuses a file that is not a mutation report', () => {
    expect(() => moduleScores({ files: { 'a.ts': {} } })).toThrow();
  });
});
