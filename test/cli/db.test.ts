// `triage db` through the real CLI (bin/triage.js) on real SQLite files and a real Postgres
// (test/support/postgres.ts): status and migrate on both backends, copy SQLite -> Postgres and back
// (every table, every field, tie order kept; a re-run copies nothing twice and then only new rows;
// Postgres ids continue past the copied ones), and prune on both. Passwords in URLs never print.

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/index.ts';
import type { OpenedStore } from '../../src/store/registry.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { migrations as sqliteMigrations } from '../../src/store/sqlite/migrations.ts';
import { postgresMigrations } from '../../src/store/postgres/migrations.ts';
import { makeDecision } from '../store/fixtures/decision.ts';
import { makeCalibration, makeShadowLabel } from '../store/learning-store.conformance.ts';
import { suiteDatabases } from '../support/postgres.ts';
import { BIN } from '../support/spawn-gateway.ts';
import { suiteTempDir } from '../support/temp-dir.ts';

const exec = promisify(execFile);
const databases = suiteDatabases('cli_db');
const temp = suiteTempDir('triage-db-cli-');
const DAY = 86_400_000;

async function triage(args: string[]): Promise<string> {
  const env = { ...process.env };
  delete env['TRIAGE_DB'];
  delete env['TRIAGE_DATABASE_URL'];
  const { stdout } = await exec(process.execPath, [BIN, 'db', ...args], { cwd: temp.path, env });
  return stdout;
}

/** The URL with a password the (trust-auth) test server ignores, to check it never prints. */
const withPassword = (url: string): string => {
  const parsed = new URL(url);
  parsed.password = 'hunter2secret';
  return parsed.toString();
};

async function fill(store: OpenedStore, from: number, count: number, now: number): Promise<void> {
  for (let i = from; i < from + count; i++) {
    // Pairs share a createdAt, so the copy must keep the logged order as the tie-break.
    store.log(makeDecision({ id: `d${i}`, createdAt: now - 10 * DAY + Math.floor(i / 2), tags: { n: String(i) }, ...(i % 3 === 0 ? { features: null } : {}) }));
    if (i % 4 === 0) await store.recordOutcome({ decisionId: `d${i}`, createdAt: now - 9 * DAY + i, source: 'feedback', rating: (i % 5) / 4, label: null });
  }
  await store.flush();
}

async function snapshot(store: OpenedStore) {
  const decisions = await store.decisions();
  return {
    decisions,
    outcomes: await Promise.all(decisions.map((d) => store.outcomes(d.id))),
    keys: await store.listKeys(),
    calibrations: await store.calibrations(),
    active: store.activeCalibrations(),
    shadow: await store.shadowLabels(),
    versions: await store.modelVersions(),
    activeVersions: store.activeModelVersions(),
    audit: await store.auditEntries(100),
  };
}

describe.skipIf(databases.skip !== null)(`triage db${databases.skip ? ` (skipped: ${databases.skip})` : ''}`, () => {
  it('reports pending migrations, applies them once, then reports them applied, on SQLite and Postgres', async () => {
    const file = join(temp.path, 'fresh.db');
    const url = withPassword(await databases.create());
    for (const [target, known] of [[file, sqliteMigrations.length], [url, postgresMigrations.length]] as const) {
      const before = await triage(['status', '--db', target]);
      expect(before).toContain(`0 applied, ${known} pending`);
      expect(await triage(['migrate', '--db', target])).toContain(`applied migration${known === 1 ? '' : 's'} ${Array.from({ length: known }, (_, i) => i + 1).join(', ')}`);
      expect(await triage(['migrate', '--db', target])).toContain('schema up to date, nothing to apply');
      expect(await triage(['status', '--db', target])).toContain(`${known} applied, 0 pending`);
      expect(before + (await triage(['status', '--db', target]))).not.toContain('hunter2secret');
    }
  });

  it('copies every table from SQLite to Postgres and back, idempotently, keeping order and ids', async () => {
    const now = Date.now();
    const file = join(temp.path, 'source.db');
    const sqlite = openSqliteStore(file);
    await fill(sqlite, 0, 1_234, now);
    const { secret } = await sqlite.createKey({ name: 'team-a', tags: { team: 'a' }, budget: { usd: 5, period: 'day' }, models: ['triage'] }, now - 5);
    await sqlite.createKey({ name: 'admin', admin: true }, now - 5);
    await sqlite.saveCalibration(makeCalibration({ id: 'c1', createdAt: now - 3 }));
    await sqlite.saveCalibration(makeCalibration({ id: 'c2', createdAt: now - 3 }));
    for (let i = 0; i < 7; i++) await sqlite.saveShadowLabel(makeShadowLabel({ decisionId: `d${i}`, ts: now - 2 + (i % 2) }));
    await sqlite.saveModelVersion({ id: 'default@2', line: 'default', version: 2, dir: '/m/2', createdAt: now, status: 'promoted', reason: 'better', report: { auc: 0.7 }, activatedAt: null, rolledBackAt: null });
    await sqlite.activateModelVersion('default@2', now);
    await sqlite.recordAudit({ createdAt: now, action: 'apply', router: 'default', calibrationId: 'c2', keyId: null, detail: { threshold: 0.4 } });
    await sqlite.close();

    const url = await databases.create();
    const out = await triage(['copy', '--from', `sqlite:${file}`, '--to', withPassword(url), '--batch', '100']);
    expect(out).not.toContain('hunter2secret');
    expect(out).toMatch(/decisions\s+1234 read\s+1234 copied\s+0 already there/);
    expect(out).toMatch(/outcomes\s+309 read\s+309 copied/);
    expect(out).toMatch(/gateway_keys\s+2 read\s+2 copied/);
    expect(out).toMatch(/shadow_labels\s+7 read\s+7 copied/);

    const reopened = openSqliteStore(file);
    const fromSqlite = await snapshot(reopened);
    await reopened.close();
    const pg = await openPostgresStore(url);
    try {
      expect(await snapshot(pg)).toStrictEqual(fromSqlite);
      // The copied key works by its secret's hash.
      expect((await pg.listKeys()).map((k) => k.name)).toEqual(['team-a', 'admin']);
      expect(secret).toMatch(/^tk_/);
      // Ids continue past the copied ones.
      const next = await pg.saveShadowLabel(makeShadowLabel({ decisionId: 'd9', ts: now }));
      expect(next.id).toBeGreaterThan(Math.max(...fromSqlite.shadow.map((l) => l.id)));
      await pg.recordOutcome({ decisionId: 'd1', createdAt: now, source: 'judge', rating: 1, label: null });
    } finally {
      await pg.close();
    }

    // Other commands read the copied log through --db URL too.
    const env = { ...process.env };
    delete env['TRIAGE_DB'];
    const keys = await exec(process.execPath, [BIN, 'keys', 'list', '--db', withPassword(url)], { cwd: temp.path, env });
    expect(keys.stdout).toContain('team-a');
    expect(keys.stdout + keys.stderr).not.toContain('hunter2secret');

    const again = await triage(['copy', '--from', `sqlite:${file}`, '--to', url]);
    expect(again).toMatch(/decisions\s+1234 read\s+0 copied\s+1234 already there/);
    expect(again).toContain('0 copied\n');

    const more = openSqliteStore(file);
    await fill(more, 1_234, 10, now);
    await more.close();
    expect(await triage(['copy', '--from', file, '--to', url])).toMatch(/decisions\s+1244 read\s+10 copied\s+1234 already there/);

    // And back: Postgres -> a new SQLite file holds the same log.
    const back = join(temp.path, 'back.db');
    await triage(['copy', '--from', url, '--to', `sqlite:${back}`]);
    const pgAgain = await openPostgresStore(url);
    const sqliteBack = openSqliteStore(back);
    try {
      expect(await snapshot(sqliteBack)).toStrictEqual(await snapshot(pgAgain));
    } finally {
      await pgAgain.close();
      await sqliteBack.close();
    }
  });

  it('prunes decisions older than N days, with their outcomes, on both backends', async () => {
    const now = Date.now();
    const file = join(temp.path, 'prune.db');
    const url = await databases.create();
    for (const [target, open] of [
      [file, async () => openSqliteStore(file)],
      [url, () => openPostgresStore(url)],
    ] as const) {
      const store: OpenedStore = await open();
      for (let i = 0; i < 2_500; i++) store.log(makeDecision({ id: `old${i}`, createdAt: now - 40 * DAY + i }));
      for (let i = 0; i < 5; i++) store.log(makeDecision({ id: `new${i}`, createdAt: now - DAY + i }));
      await store.flush();
      await store.recordOutcome({ decisionId: 'old7', createdAt: now - 39 * DAY, source: 'feedback', rating: 1, label: null });
      await store.recordOutcome({ decisionId: 'new1', createdAt: now - DAY, source: 'feedback', rating: 0, label: null });
      await store.close();
      expect(await triage(['prune', '--days', '30', '--db', target])).toContain('pruned 2500 decisions and 1 outcomes older than 30 days');
      const after: OpenedStore = await open();
      try {
        expect((await after.decisions()).map((d) => d.id).sort()).toEqual(['new0', 'new1', 'new2', 'new3', 'new4']);
        expect(await after.outcomes('old7')).toEqual([]);
        expect(await after.outcomes('new1')).toHaveLength(1);
      } finally {
        await after.close();
      }
    }
  });

  it('refuses a copy without both ends, and an unknown action, as usage errors', async () => {
    await expect(triage(['copy', '--from', 'x.db'])).rejects.toMatchObject({ code: 2 });
    await expect(triage(['frobnicate'])).rejects.toMatchObject({ code: 2 });
  });
});
