// `triage report` as a child process on real SQLite files: the JSON report equals a direct
// computation over the seeded rows inside --since, the CSV shape (legacy `--by <tag>` form), the
// text lines that keep dry runs and rejections apart, TRIAGE_DB as the default log, and bad input.

import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { UsageReportSchema } from '../../src/routing/usage-report.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import type { DecisionRecord } from '../../src/store/store.ts';
import { BIN } from '../support/spawn-gateway.ts';
import { suiteTempDir } from '../support/temp-dir.ts';
import { directReport, reportConfigRaw, seededRows, usageRecord } from '../support/usage-rows.ts';

const exec = promisify(execFile);
const DAY = 86_400_000;

describe('triage report (child process)', () => {
  const dir = suiteTempDir('triage-report-cli-');
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['TRIAGE_DB'];
  delete env['TRIAGE_STRONG_PRICE'];
  delete env['TRIAGE_WEAK_PRICE'];
  const triage = (args: string[], extraEnv: Record<string, string> = {}) =>
    exec(process.execPath, [BIN, 'report', ...args], { cwd: dir.path, env: { ...env, ...extraEnv } });

  const now = Date.now();
  // Ten days of rows, none within two hours of the 7-day boundary (the CLI reads the clock later).
  const rows = seededRows(1500, 11, now).filter((row) => Math.abs(now - 7 * DAY - row.createdAt) > 2 * 3_600_000);
  const config = parseConfig(reportConfigRaw, 'test');
  let seededDb = '';
  let handDb = '';
  let configFile = '';

  async function writeDb(name: string, records: DecisionRecord[]): Promise<string> {
    const path = join(dir.path, name);
    const store = openSqliteStore(path);
    for (const record of records) store.log(record);
    await store.close();
    return path;
  }

  beforeAll(async () => {
    seededDb = await writeDb('seeded.db', rows);
    configFile = join(dir.path, 'prices.json');
    writeFileSync(configFile, JSON.stringify(reportConfigRaw));
    const at = now - 60_000;
    handDb = await writeDb('hand.db', [
      usageRecord({ id: 'w', createdAt: at, modelAlias: 'weak', promptTokens: 1_000_000, cachedTokens: 0, completionTokens: 0, costUsd: 0.25 }),
      usageRecord({ id: 's', createdAt: at, tier: 'strong', modelAlias: 'strong', promptTokens: 10, completionTokens: 10, costUsd: 0.5 }),
      usageRecord({ id: 'd', createdAt: at, kind: 'route', promptTokens: null, completionTokens: null, costUsd: null }),
      usageRecord({ id: 'x1', createdAt: at, reason: 'rejected', status: 400, router: null, tier: null, modelAlias: null, promptTokens: null, completionTokens: null, costUsd: null }),
      usageRecord({ id: 'x2', createdAt: at, kind: 'route', reason: 'rejected', status: 400, router: null, tier: null, modelAlias: null, promptTokens: null, completionTokens: null, costUsd: null }),
    ]);
  });

  it('prints JSON whose figures equal a direct computation over the rows inside --since', async () => {
    const { stdout } = await triage(['--db', seededDb, '--config', configFile, '--by', 'tag:team', '--since', '7d', '--json']);
    const report = UsageReportSchema.parse(JSON.parse(stdout));
    const recent = rows.filter((row) => row.createdAt >= now - 7 * DAY);
    const direct = directReport(recent, config, (row) => row.tags['team'] ?? '');
    // If --since were ignored, the older rows would be counted too.
    expect(directReport(rows, config, () => '').upstream.requests).toBeGreaterThan(direct.upstream.requests);
    expect(report.upstream).toMatchObject({
      requests: direct.upstream.requests,
      promptTokens: direct.upstream.promptTokens,
      completionTokens: direct.upstream.completionTokens,
      routedRequests: direct.upstream.routedRequests,
      strongRequests: direct.upstream.strongRequests,
      unpricedRequests: direct.upstream.unpricedRequests,
    });
    expect(report.upstream.costUsd).toBeCloseTo(direct.upstream.costUsd, 9);
    expect(report.upstream.allStrongCostUsd).toBeCloseTo(direct.upstream.allStrongCostUsd, 9);
    expect(report.dryRuns.requests).toBe(direct.dryRuns);
    expect(report.rejected.requests).toBe(direct.rejected);
    expect(report.groupBy).toBe('tag:team');
    expect(report.window.since).not.toBeNull();
    const tokens = report.groups.map((group) => group.totalTokens);
    expect(tokens).toStrictEqual([...tokens].sort((a, b) => b - a));
    for (const group of report.groups) {
      const expected = direct.groups.get(group.key);
      expect(group.requests).toBe(expected?.requests);
      expect(group.allStrongCostUsd).toBeCloseTo(expected?.allStrongCostUsd ?? NaN, 9);
    }
  });

  it('prints the group table as CSV for the legacy --by <tag> form, defusing formulas and quoting commas', async () => {
    const { stdout } = await triage(['--db', seededDb, '--config', configFile, '--by', 'team', '--csv']);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'group,requests,routed_requests,strong_requests,strong_share,passthrough_requests,prompt_tokens,cached_tokens,' +
        'completion_tokens,total_tokens,cost_usd,all_strong_cost_usd,saving_usd,saving_pct',
    );
    const direct = directReport(rows, config, (row) => row.tags['team'] ?? '');
    expect(lines).toHaveLength(1 + direct.groups.size);
    expect(lines.some((line) => line.startsWith('"chat, support",'))).toBe(true);
    expect(lines.some((line) => line.startsWith("'=SUM(A1),"))).toBe(true);
    const ops = lines.find((line) => line.startsWith('ops,'))?.split(',');
    expect(ops).toHaveLength(14);
    expect(Number(ops?.[1])).toBe(direct.groups.get('ops')?.requests);
    expect(Number(ops?.[11])).toBeCloseTo(direct.groups.get('ops')?.allStrongCostUsd ?? NaN, 9);
  });

  it('shows dry runs and rejections on their own lines, reads TRIAGE_DB and prices from the built-in config', async () => {
    const { stdout } = await triage([], { TRIAGE_DB: handDb });
    expect(stdout).toContain(`decision log ${handDb}, start of log to now; prices from built-in default`);
    // Only the two upstream calls count; 1M weak prompt tokens on gpt-5 ($1.25/M) would cost $1.25.
    expect(stdout).toMatch(/^upstream calls +2 requests, 1000020 tokens .*cost \$0\.750000$/m);
    expect(stdout).toMatch(/^all on strong +\$1\.750000 /m);
    expect(stdout).toMatch(/^saving +\$1\.000000 \(57\.1%\)$/m);
    expect(stdout).toMatch(/^strong share +50\.0% of 2 routed calls; 0 pass-through$/m);
    expect(stdout).toMatch(/^dry runs +1 \/v1\/route calls/m);
    expect(stdout).toMatch(/^rejected +2 requests rejected with a 400/m);
    expect(stdout).toMatch(/^weak +1 +0\.0% +1000000 +1000000 +0 +0\.250000 +1\.250000 +80\.0%$/m);
    expect(stdout).toMatch(/^strong +1 +100\.0% +20 +10 +10 +0\.500000 +0\.500000 +0\.0%$/m);
  });

  it('refuses bad input with a clear message: exit 2 for a usage error, 1 for a missing log', async () => {
    const cases: Array<[string[], RegExp, number]> = [
      [['--db', join(dir.path, 'missing.db')], /no decision log at .*missing\.db/, 1],
      [['--db', handDb, '--since', 'last week'], /--since must be a duration/, 2],
      [['--db', handDb, '--since', '1d', '--until', '7d'], /must be before --until/, 2],
      [['--db', handDb, '--json', '--csv'], /exclude each other/, 2],
      [['--db', handDb, '--top', 'many'], /--top must be a whole number/, 2],
    ];
    await Promise.all(cases.map(async ([args, message, code]) => {
      await expect(triage(args)).rejects.toMatchObject({ code, stderr: expect.stringMatching(message) });
    }));
  });
});
