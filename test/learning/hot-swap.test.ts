// Hot swap under load: a running `triage serve` child (learned router on the shipped model) keeps
// answering concurrent requests while `triage models activate` (another process, same SQLite file)
// makes a new model version active, then while `triage models rollback` goes back. No request
// fails across either swap, and every decision row records the model version that scored it.

import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_MODELS_DIR } from '../../src/scoring/learned.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { BIN, spawnGateway } from '../support/spawn-gateway.ts';

const run = promisify(execFile);
let upstream: FakeUpstream;
let dir: string;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  dir = mkdtempSync(join(tmpdir(), 'triage-swap-'));
});
afterAll(async () => {
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, LOG_LEVEL: 'silent' } });
  return stdout;
}

function scorerCounts(db: string, since = 0): Map<string, number> {
  const raw = new Database(db, { readonly: true });
  try {
    const rows = raw.prepare('SELECT scorer, count(*) AS n FROM decisions WHERE created_at >= ? GROUP BY scorer').all(since) as { scorer: string; n: number }[];
    return new Map(rows.map((r) => [r.scorer, r.n]));
  } finally {
    raw.close();
  }
}

it('swaps to an activated model version and back under concurrent load with no failed request', async () => {
  const shipped = JSON.parse(readFileSync(join(DEFAULT_MODELS_DIR, 'default', 'meta.json'), 'utf8')) as { version: number };
  const next = shipped.version + 1;
  // A second version of the line: the shipped folder re-versioned (its ONNX and checksum unchanged).
  const versionDir = join(dir, `v${next}`);
  cpSync(join(DEFAULT_MODELS_DIR, 'default'), versionDir, { recursive: true });
  const metaPath = join(versionDir, 'meta.json');
  writeFileSync(metaPath, JSON.stringify({ ...JSON.parse(readFileSync(metaPath, 'utf8')), version: next }));

  const db = join(dir, 'log.db');
  openSqliteStore(db).close();
  expect(await cli(['models', 'register', versionDir, '--db', db])).toContain(`registered default@${next}`);
  const config = join(dir, 'triage.config.yaml');
  writeFileSync(config, `providers:\n  up: { baseUrl: ${upstream.url} }\nmodels:\n  strong: { provider: up, id: fake-strong }\n  weak: { provider: up, id: fake-weak }\nrouters:\n  default: { strong: strong, weak: weak, threshold: 0.5, scoreTimeoutMs: 5000 }\nstore: { flushIntervalMs: 20 }\n`);
  const gateway = await spawnGateway(['--config', config, '--db', db]);
  const statuses = new Map<number, number>();
  let sent = 0;
  let stop = false;
  // Bounded: at most PHASE_REQUESTS requests in each of the three phases (before the swap, after it,
  // after the rollback), so each phase has traffic of its own: one budget for the whole test could
  // run out before the rollback was picked up (a 2 s poll), leaving nothing to see it by.
  const PHASE_REQUESTS = 3000;
  let budget = PHASE_REQUESTS;
  const worker = async (w: number): Promise<void> => {
    while (!stop) {
      if (sent >= budget) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      const i = sent++;
      let status = -1;
      try {
        const response = await fetch(`${gateway.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'triage', messages: [{ role: 'user', content: `worker ${w} request ${i}: explain step by step why ${i} squared is even or odd` }] }),
        });
        status = response.status;
        await response.arrayBuffer();
      } catch {
        status = 0;
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  const waitFor = async (want: string, since: number): Promise<boolean> => {
    for (let tries = 0; tries < 150; tries++) {
      if ((scorerCounts(db, since).get(want) ?? 0) >= 40) return true;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return false;
  };
  try {
    const load = Promise.all(Array.from({ length: 6 }, (_, w) => worker(w)));
    const oldName = `learned:default@${shipped.version}`;
    const newName = `learned:default@${next}`;
    expect(await waitFor(oldName, 0), 'no traffic on the shipped model').toBe(true);

    const activatedAt = Date.now();
    budget = sent + PHASE_REQUESTS;
    expect(await cli(['models', 'activate', `default@${next}`, '--db', db])).toContain(`active version is now default@${next}`);
    expect(await waitFor(newName, activatedAt), 'new version not serving within 15 s').toBe(true);

    const rolledBackAt = Date.now();
    budget = sent + PHASE_REQUESTS;
    expect(await cli(['models', 'rollback', 'default', '--db', db])).toContain('shipped folder');
    // Until the rollback is picked up every decision is the new version's, so rows of the old one
    // logged after rolledBackAt show it applied.
    expect(await waitFor(oldName, rolledBackAt), 'rollback not applied within 15 s').toBe(true);
    stop = true;
    await load;

    // Every request succeeded, across both swaps.
    expect([...statuses.keys()]).toEqual([200]);
    expect(statuses.get(200)).toBe(sent);
    expect(await gateway.stop()).toBe(0);
    const raw = new Database(db, { readonly: true });
    const fellBack = raw.prepare("SELECT reason, count(*) AS n FROM decisions WHERE fallback_used = 1 GROUP BY reason").all();
    raw.close();
    // No request fell back to the strong model because scoring failed (e.g. a closed model) across
    // a swap. (The time budget is raised above: on a loaded shared machine a 250 ms budget can run
    // out for reasons that have nothing to do with the swap.)
    expect(fellBack).toEqual([]);
    const all = scorerCounts(db);
    expect([...all.keys()].sort()).toEqual([oldName, newName].sort());
    expect([...all.values()].reduce((a, b) => a + b, 0)).toBe(sent);
    expect(gateway.stderr()).toContain('"event":"scorer_swapped"');
  } finally {
    stop = true;
    if (gateway.child.exitCode === null) await gateway.stop();
  }
}, 120_000);
